package dev.quarry.server.config;

import dev.quarry.core.error.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Optional;

/**
 * Trace export (section {@code telemetry}): where spans go over OTLP (none: export is off), the
 * service name they carry, and the share of traces sampled.
 */
public record TelemetryConfig(Optional<URI> otlpEndpoint, String serviceName, double sampleRatio) {

  /** No export, service {@code quarry}, every trace sampled. */
  public static final TelemetryConfig DEFAULT = new TelemetryConfig(Optional.empty(), "quarry", 1.0);

  public TelemetryConfig {
    Objects.requireNonNull(otlpEndpoint, "otlpEndpoint");
    Objects.requireNonNull(serviceName, "serviceName");
    if (serviceName.isBlank()) {
      throw new InvalidInputException("telemetry serviceName must not be blank");
    }
    if (!(sampleRatio >= 0.0 && sampleRatio <= 1.0)) {
      throw new InvalidInputException("telemetry sampleRatio must be in [0, 1], got: " + sampleRatio);
    }
  }

  /** Whether spans are exported at all. */
  public boolean exportEnabled() {
    return otlpEndpoint.isPresent();
  }

  /** Binds section {@code telemetry}; an empty {@code otlp_endpoint} turns export off. */
  public static TelemetryConfig from(ConfigSection s) {
    Optional<URI> endpoint = s.text("otlp_endpoint").filter(t -> !t.isBlank()).map(t -> endpoint(s, t));
    String service = s.text("service_name").orElse(DEFAULT.serviceName());
    if (service.isBlank()) {
      throw s.invalid("service_name", "must not be blank");
    }
    double ratio = s.decimal("sample_ratio", 0.0, 1.0).orElse(DEFAULT.sampleRatio());
    s.done();
    return new TelemetryConfig(endpoint, service, ratio);
  }

  private static URI endpoint(ConfigSection s, String text) {
    try {
      URI uri = new URI(text.trim());
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw s.invalid("otlp_endpoint", "expected an http:// or https:// URL such as http://127.0.0.1:4318, got \"" + text + "\"");
  }
}
