package dev.quarry.server.config;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.runtime.tools.ToolLoopSettings;
import dev.quarry.runtime.tools.http.HttpToolSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * Section {@code tools}: the bounds of a tool loop (steps, the timeout of one call) and the limits
 * of tenants' HTTP tools (whether private addresses may be reached: off, so a tool cannot reach
 * the server's own network; the HTTP timeout; the largest response read).
 */
public record ToolsConfig(ToolLoopSettings loop, HttpToolSettings http) {

  public static final ToolsConfig DEFAULT = new ToolsConfig(ToolLoopSettings.DEFAULTS, HttpToolSettings.DEFAULTS);

  public ToolsConfig {
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(http, "http");
  }

  static ToolsConfig from(ConfigSection s) {
    ToolLoopSettings dl = ToolLoopSettings.DEFAULTS;
    HttpToolSettings dh = HttpToolSettings.DEFAULTS;
    int steps = s.integer("max_steps", 1, 64).orElse(dl.maxSteps());
    Duration call = s.duration("call_timeout", Duration.ofMillis(1), Duration.ofMinutes(10)).orElse(dl.callTimeout());
    boolean allowPrivate = s.bool("http_allow_private_addresses").orElse(dh.allowPrivateAddresses());
    Duration http = s.duration("http_timeout", Duration.ofMillis(1), Duration.ofMinutes(10)).orElse(dh.timeout());
    int bytes = (int) (long) s.bytes("http_max_response_bytes", 1, 16L << 20).orElse((long) dh.maxResponseBytes());
    s.done();
    try {
      return new ToolsConfig(new ToolLoopSettings(steps, call), new HttpToolSettings(allowPrivate, http, bytes));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(s.path() + ": " + e.getMessage(), e);
    }
  }
}
