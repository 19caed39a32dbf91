package dev.quarry.core.observe;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One call to a generative model, as OpenTelemetry's GenAI semantic conventions describe it:
 * {@code operation} is {@code gen_ai.operation.name} ({@code chat}), {@code requestModel} the
 * model Quarry was asked for ({@code gen_ai.request.model}), {@code provider} where it ran, {@code
 * responseModel} the upstream's own name, the tokens it used and, for a streamed call, the time to
 * its first token.
 */
public record ModelCall(String operation, String requestModel, String provider, String responseModel,
    long inputTokens, long outputTokens, Optional<Duration> timeToFirstToken) {
  public ModelCall {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(requestModel, "requestModel");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(responseModel, "responseModel");
    Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
    if (inputTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException("token counts must be >= 0, got input " + inputTokens + ", output " + outputTokens);
    }
  }
}
