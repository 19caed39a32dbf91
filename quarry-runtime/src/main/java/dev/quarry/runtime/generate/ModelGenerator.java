package dev.quarry.runtime.generate;

import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.PromptTokenBound;
import dev.quarry.llm.TokenCounter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Generates through a chat model: the {@link Prompt}, the caller's limits and the request's
 * deadline. The request carries the prompt's tokens as {@link Prompt#counted} bounds them with
 * {@code tokens}, the tokenizer the context's passages were counted with, so that a router does not
 * count the whole prompt again to check its context window.
 */
public final class ModelGenerator implements Generator {

  private final ChatModel model;
  private final TokenCounter tokens;

  public ModelGenerator(ChatModel model, TokenCounter tokens) {
    this.model = Objects.requireNonNull(model, "model");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  @Override
  public Generation generate(GenerationInput in, ChatStream stream) {
    Prompt.Counted prompt = Prompt.counted(in, tokens);
    ChatRequest request = new ChatRequest(prompt.messages(), in.maxTokens(), in.temperature(), List.of(),
        Optional.empty(), in.deadline(), Optional.empty(), in.maxCost(),
        Optional.of(new PromptTokenBound(tokens.encodingName(), prompt.tokensAtMost())));
    ChatResponse r = model.generate(request, stream);
    return new Generation(r.text(), r.finishReason(), r.usage(), r.upstreamModel(), r.timeToFirstToken());
  }
}
