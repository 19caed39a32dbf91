package dev.quarry.llm.config;

import dev.quarry.core.error.InvalidInputException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One upstream (an entry of {@code llm.providers}): its name in Quarry, the protocol it speaks, its
 * base URL ({@code .../v1} for OpenAI-compatible servers, the host for Anthropic), the environment
 * variable holding its API key (none for a local server that needs no key), and {@code timeout}: the
 * longest Quarry waits on it at any one point (to connect, for the response to begin, between two
 * streamed events). The request's deadline bounds the whole call.
 */
public record ProviderConfig(String name, ProviderKind kind, URI baseUrl, Optional<String> apiKeyEnv, Duration timeout) {

  /** The timeout when none is configured. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  static final String NAME_RULE = "[A-Za-z0-9._-]{1,64}";

  public ProviderConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(apiKeyEnv, "apiKeyEnv");
    Objects.requireNonNull(timeout, "timeout");
    if (!name.matches(NAME_RULE)) {
      throw new InvalidInputException("name: must be 1-64 of A-Z a-z 0-9 . _ -, got \"" + name + "\"");
    }
    String scheme = baseUrl.getScheme();
    if (!baseUrl.isAbsolute() || baseUrl.getHost() == null
        || !("http".equals(scheme) || "https".equals(scheme))
        || baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
      throw new InvalidInputException("base_url: must be an http or https URL with a host and no query, got \""
          + baseUrl + "\"");
    }
    String raw = baseUrl.toString();
    if (raw.endsWith("/")) {
      baseUrl = URI.create(raw.substring(0, raw.length() - 1));
    }
    if (apiKeyEnv.isPresent() && !apiKeyEnv.get().matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
      throw new InvalidInputException("api_key_env: must name an environment variable (A-Z a-z 0-9 _, not starting"
          + " with a digit), got \"" + apiKeyEnv.get() + "\"");
    }
    if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new InvalidInputException("timeout: must be in 1ms..1h, got " + timeout.toMillis() + "ms");
    }
  }

  /** {@code base_url} followed by {@code path} (which starts with {@code /}). */
  public URI resolve(String path) {
    return URI.create(baseUrl + path);
  }
}
