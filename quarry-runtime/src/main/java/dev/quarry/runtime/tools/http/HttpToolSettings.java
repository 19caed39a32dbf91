package dev.quarry.runtime.tools.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Operator limits of tenant HTTP tools: whether loopback, link-local and private addresses may be
 * reached (off by default: no SSRF through a tool), the timeout of one call, and the largest
 * response body read.
 */
public record HttpToolSettings(boolean allowPrivateAddresses, Duration timeout, int maxResponseBytes) {
  public static final HttpToolSettings DEFAULTS = new HttpToolSettings(false, Duration.ofSeconds(10), 262_144);

  public HttpToolSettings {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("tools.http.timeout must be positive, got: " + timeout);
    }
    if (maxResponseBytes < 1 || maxResponseBytes > 16 * 1024 * 1024) {
      throw new IllegalArgumentException("tools.http.max_response_bytes must be in 1..16777216, got: "
          + maxResponseBytes);
    }
  }
}
