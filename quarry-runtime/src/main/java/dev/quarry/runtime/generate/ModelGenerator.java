package dev.quarry.runtime.generate;

import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ChatStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Generates through a chat model: the {@link Prompt}, the caller's limits and the request's deadline. */
public final class ModelGenerator implements Generator {

  private final ChatModel model;

  public ModelGenerator(ChatModel model) {
    this.model = Objects.requireNonNull(model, "model");
  }

  @Override
  public Generation generate(GenerationInput in, ChatStream stream) {
    ChatRequest request = new ChatRequest(Prompt.messages(in), in.maxTokens(), in.temperature(), List.of(),
        Optional.empty(), in.deadline(), Optional.empty(), in.maxCost());
    ChatResponse r = model.generate(request, stream);
    return new Generation(r.text(), r.finishReason(), r.usage(), r.upstreamModel(), r.timeToFirstToken());
  }
}
