package dev.quarry.rerank.remote;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A remote re-rank endpoint: its API shape, the full URL of its {@code /rerank} route, the bearer
 * key (if any), the model to name (Cohere and Jina need one), and how long a call may take before
 * search gives up on it and keeps the fused order.
 */
public record RemoteRerankerConfig(RerankApi api, URI url, Optional<String> apiKey, Optional<String> model,
    Duration timeout) {

  public RemoteRerankerConfig {
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(url, "url");
    apiKey = apiKey == null ? Optional.empty() : apiKey;
    model = model == null ? Optional.empty() : model;
    Objects.requireNonNull(timeout, "timeout");
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
      throw new IllegalArgumentException("re-rank url must be http or https, got: " + url);
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("re-rank timeout must be in (0, 60 s], got: " + timeout);
    }
    if (api != RerankApi.TEI && model.isEmpty()) {
      throw new IllegalArgumentException(api + " re-rank API needs a model name");
    }
  }
}
