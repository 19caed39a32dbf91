package dev.quarry.server.config;

import dev.quarry.core.error.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which web pages may call the API from a browser (section {@code cors}): the origins whose
 * cross-origin requests get CORS headers. Empty, the default, turns CORS off: browsers then refuse
 * to let pages of other origins read any response.
 *
 * @param allowedOrigins {@code scheme://host[:port]} origins as browsers send them, or the single
 *     entry {@code *} for any origin (the API authenticates with bearer keys, never cookies, so no
 *     credentials are ever allowed)
 */
public record CorsConfig(List<String> allowedOrigins) {

  /** CORS off. */
  public static final CorsConfig DEFAULT = new CorsConfig(List.of());

  /** Any origin. */
  public static final String ANY = "*";

  public CorsConfig {
    allowedOrigins = List.copyOf(Objects.requireNonNull(allowedOrigins, "allowedOrigins"));
    for (String origin : allowedOrigins) {
      String problem = problem(origin);
      if (!problem.isEmpty()) {
        throw new InvalidInputException("cors allowed_origins: " + problem);
      }
    }
    if (allowedOrigins.contains(ANY) && allowedOrigins.size() > 1) {
      throw new InvalidInputException("cors allowed_origins: '*' allows every origin and stands alone, got: " + allowedOrigins);
    }
  }

  /** Whether cross-origin requests get CORS headers at all. */
  public boolean enabled() {
    return !allowedOrigins.isEmpty();
  }

  /** Whether a request with {@code Origin: origin} may read the responses. */
  public boolean allows(String origin) {
    return allowedOrigins.contains(ANY) || allowedOrigins.contains(origin);
  }

  /** Binds section {@code cors}: {@code allowed_origins}, a list (comma-separated in a variable). */
  public static CorsConfig from(ConfigSection s) {
    List<String> origins = s.textList("allowed_origins").orElse(List.of());
    for (String origin : origins) {
      String problem = problem(origin);
      if (!problem.isEmpty()) {
        throw s.invalid("allowed_origins", problem);
      }
    }
    s.done();
    return new CorsConfig(origins);
  }

  /** What is wrong with {@code origin} as an allowed origin, or empty. */
  private static String problem(String origin) {
    if (origin.equals(ANY)) {
      return "";
    }
    String expected = "expected an origin such as https://app.example.com or http://localhost:3000 (scheme, host "
        + "and port only, lower case), or *, got \"" + origin + "\"";
    try {
      URI uri = new URI(origin);
      boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      if (!web || uri.getHost() == null || uri.getRawUserInfo() != null || !uri.getRawPath().isEmpty()
          || uri.getRawQuery() != null || uri.getRawFragment() != null
          || !origin.equals(origin.toLowerCase(Locale.ROOT))) {
        return expected;
      }
      return "";
    } catch (URISyntaxException e) {
      return expected;
    }
  }
}
