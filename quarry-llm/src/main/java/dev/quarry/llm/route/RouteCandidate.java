package dev.quarry.llm.route;

import dev.quarry.core.chat.ChatModel;
import dev.quarry.llm.TokenCounter;
import dev.quarry.llm.config.Price;
import java.util.Objects;

/** A model a route may call: the model (behind its breaker and retries), its prices and its tokenizer. */
public record RouteCandidate(ChatModel model, Price price, TokenCounter tokens) {
  public RouteCandidate {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(price, "price");
    Objects.requireNonNull(tokens, "tokens");
  }

  public String name() {
    return model.info().name();
  }
}
