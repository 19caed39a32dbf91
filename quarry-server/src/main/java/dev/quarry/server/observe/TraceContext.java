package dev.quarry.server.observe;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The W3C trace context of one request: the trace it belongs to, this server's span in it, and the
 * trace flags. {@link #continuing} honours an inbound {@code traceparent}: the trace id and flags
 * are kept and the span id is new (this request is a child span of the caller's).
 *
 * <p>Decisions: an absent or malformed {@code traceparent} (wrong shape, all-zero ids, version
 * {@code ff}) starts a new trace rather than failing the request, as the W3C spec asks; versions
 * above 00 are read by their 00 prefix. Only {@code traceparent} is handled, not {@code tracestate}.
 * With tracing on, {@link Tracing} parses the inbound header with {@link #parse} and takes a
 * request's ids from its server span instead of {@link #continuing}.
 */
public record TraceContext(String traceId, String spanId, String flags) {

  private static final Pattern TRACEPARENT =
      Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ZERO_TRACE = "0".repeat(32);
  private static final String ZERO_SPAN = "0".repeat(16);

  public TraceContext {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(flags, "flags");
    if (!traceId.matches("[0-9a-f]{32}") || traceId.equals(ZERO_TRACE)) {
      throw new IllegalArgumentException("trace id must be 32 lowercase hex digits, not all zero, got: '" + traceId + "'");
    }
    if (!spanId.matches("[0-9a-f]{16}") || spanId.equals(ZERO_SPAN)) {
      throw new IllegalArgumentException("span id must be 16 lowercase hex digits, not all zero, got: '" + spanId + "'");
    }
    if (!flags.matches("[0-9a-f]{2}")) {
      throw new IllegalArgumentException("trace flags must be 2 lowercase hex digits, got: '" + flags + "'");
    }
  }

  /** A child of the inbound {@code traceparent} when it is valid, otherwise a new trace. */
  public static TraceContext continuing(Optional<String> traceparent) {
    return traceparent.flatMap(TraceContext::parse)
        .map(parent -> new TraceContext(parent.traceId(), newSpanId(), parent.flags()))
        .orElseGet(() -> new TraceContext(randomHex(16, ZERO_TRACE), newSpanId(), "00"));
  }

  /** The {@code traceparent} header value naming this request's span. */
  public String traceparent() {
    return "00-" + traceId + "-" + spanId + "-" + flags;
  }

  static Optional<TraceContext> parse(String header) {
    var m = TRACEPARENT.matcher(header.trim());
    if (!m.matches() || m.group(1).equals("ff") || (m.group(1).equals("00") && m.group(5) != null)) {
      return Optional.empty();
    }
    if (m.group(2).equals(ZERO_TRACE) || m.group(3).equals(ZERO_SPAN)) {
      return Optional.empty();
    }
    return Optional.of(new TraceContext(m.group(2), m.group(3), m.group(4)));
  }

  private static String newSpanId() {
    return randomHex(8, ZERO_SPAN);
  }

  private static String randomHex(int bytes, String zero) {
    byte[] b = new byte[bytes];
    String hex;
    do {
      RANDOM.nextBytes(b);
      hex = HexFormat.of().formatHex(b);
    } while (hex.equals(zero));
    return hex;
  }
}
