package dev.quarry.llm.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.error.ModelException;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How an upstream's refusals become {@link ModelException}s, the same for every provider: 429, 500,
 * 502, 503, 504 and 529 (Anthropic's "overloaded") are {@code upstream_unavailable}, with the delay
 * {@code Retry-After} asks for (seconds or an HTTP date; OpenAI's {@code retry-after-ms} first);
 * every other status, and an answer that is not the protocol's JSON, is {@code upstream_rejected}.
 */
public final class UpstreamFailures {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_MESSAGE = 300;

  private UpstreamFailures() {}

  /** Whether a call that got {@code status} may succeed when retried. */
  public static boolean retryable(int status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504 || status == 529;
  }

  /** The failure for a response with a status other than 2xx and its body (the upstream's error message is kept). */
  public static ModelException forStatus(String model, int status, HttpHeaders headers, String body, Clock clock) {
    String message = "model " + model + ": the upstream answered " + status + upstreamMessage(body).map(m -> ": " + m).orElse("");
    if (retryable(status)) {
      return ModelException.unavailable(model, message, OptionalInt.of(status), retryAfter(headers, clock), null);
    }
    return ModelException.rejected(model, message, OptionalInt.of(status), null);
  }

  /** An answer that does not follow the protocol. */
  public static ModelException malformed(String model, String what, Throwable cause) {
    return ModelException.rejected(model, "model " + model + ": malformed answer from the upstream: " + what,
        OptionalInt.empty(), cause);
  }

  /** An error the upstream reported inside a stream that had begun: it may pass. */
  public static ModelException streamError(String model, String message) {
    return ModelException.unavailable(model, "model " + model + ": the upstream reported an error mid-stream: "
        + clip(message), OptionalInt.empty(), Optional.empty(), null);
  }

  /** A stream that ended before the protocol's end marker. */
  public static ModelException cut(String model, String expected) {
    return ModelException.unavailable(model, "model " + model + ": the stream ended before " + expected,
        OptionalInt.empty(), Optional.empty(), null);
  }

  /** Parses JSON text from the upstream; text that is not JSON is a {@link #malformed} failure. */
  public static JsonNode parse(String model, String json, String what) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw malformed(model, what + " is empty", null);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw malformed(model, what + " is not JSON (" + clip(e.getOriginalMessage()) + "): " + clip(json), e);
    }
  }

  /**
   * The delay asked for by {@code retry-after-ms} (milliseconds) or {@code Retry-After} (seconds, or
   * an HTTP date, measured against {@code clock}); a date in the past means now.
   */
  public static Optional<Duration> retryAfter(HttpHeaders headers, Clock clock) {
    Optional<String> ms = headers.firstValue("retry-after-ms").map(String::trim);
    if (ms.isPresent() && ms.get().matches("\\d{1,12}")) {
      return Optional.of(Duration.ofMillis(Long.parseLong(ms.get())));
    }
    Optional<String> value = headers.firstValue("retry-after").map(String::trim);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String v = value.get();
    if (v.matches("\\d{1,12}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration d = Duration.between(clock.instant(), at.toInstant());
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** {@code error.message} of an OpenAI or Anthropic error body, else the body's start. */
  private static Optional<String> upstreamMessage(String body) {
    if (body.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(body);
      JsonNode message = node == null ? null : node.path("error").path("message");
      if (message != null && message.isTextual()) {
        return Optional.of(clip(message.textValue()));
      }
    } catch (IOException e) {
      // not JSON: show the text itself
    }
    return Optional.of(clip(body.strip()));
  }

  static String clip(String s) {
    String t = s == null ? "" : s.replaceAll("\\s+", " ");
    return t.length() <= MAX_MESSAGE ? t : t.substring(0, MAX_MESSAGE) + "...";
  }
}
