package dev.quarry.runtime;

import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatModelInfo;
import dev.quarry.llm.config.Price;
import dev.quarry.runtime.assemble.TokenCount;
import dev.quarry.runtime.generate.Generator;
import java.util.Objects;
import java.util.Optional;

/**
 * A model the pipeline can answer with: what it is, how it generates, how it counts tokens, what
 * it costs, and the chat model itself when it is one (the rewrite uses it).
 */
public record AnswerModel(ChatModelInfo info, Generator generator, TokenCount tokens, Price price,
    Optional<ChatModel> chat) {
  public AnswerModel {
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(generator, "generator");
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(price, "price");
    Objects.requireNonNull(chat, "chat");
  }

  public String name() {
    return info.name();
  }

  public boolean extractive() {
    return chat.isEmpty();
  }
}
