package dev.quarry.runtime.generate;

import dev.quarry.core.chat.FinishReason;
import dev.quarry.core.chat.TokenUsage;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** A generated answer with its markers, the tokens it used, the model that wrote it and, streamed, its time to first token. */
public record Generation(String text, FinishReason finishReason, TokenUsage usage, String responseModel,
    Optional<Duration> timeToFirstToken) {
  public Generation {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(responseModel, "responseModel");
    Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
  }
}
