package dev.quarry.runtime.tools;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of a tool loop: at most {@code maxSteps} model turns that ask for tools (then the loop
 * stops and says so), and {@code callTimeout} for one tool call (never past the request's deadline).
 */
public record ToolLoopSettings(int maxSteps, Duration callTimeout) {
  public static final ToolLoopSettings DEFAULTS = new ToolLoopSettings(8, Duration.ofSeconds(10));

  public ToolLoopSettings {
    Objects.requireNonNull(callTimeout, "callTimeout");
    if (maxSteps < 1 || maxSteps > 64) {
      throw new IllegalArgumentException("tools.max_steps must be in 1..64, got: " + maxSteps);
    }
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("tools.call_timeout must be positive, got: " + callTimeout);
    }
  }
}
