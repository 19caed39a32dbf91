package dev.quarry.server.observe;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The W3C trace context of one request: the trace it belongs to, this server's span in it, the
 * trace flags and the vendors' {@code tracestate}. {@link #continuing} honours an inbound {@code
 * traceparent}: the trace id, flags and {@code tracestate} are kept and the span id is new (this
 * request is a child span of the caller's).
 *
 * <p>Decisions: both headers are read and written by OpenTelemetry's {@link
 * W3CTraceContextPropagator} (the spec's reference rules: versions, all-zero ids, the {@code
 * tracestate} list's size and key syntax), not by a hand-written parser. An absent or malformed
 * {@code traceparent} starts a new trace rather than failing the request, as the W3C spec asks; a
 * malformed {@code tracestate} is dropped and the {@code traceparent} kept. With tracing on, {@link
 * Tracing} makes the inbound context ({@link #remoteParent}) the parent of the server span and
 * takes a request's ids from that span instead of {@link #continuing}.
 */
public record TraceContext(String traceId, String spanId, String flags, TraceState traceState) {

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ZERO_TRACE = "0".repeat(32);
  private static final String ZERO_SPAN = "0".repeat(16);

  /** Reads the two W3C headers from a map of lower-case names (what {@link #remoteParent} builds). */
  private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
    @Override
    @SuppressWarnings("deprecation") // abstract in the API still; the W3C propagator never calls it
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  public TraceContext {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(flags, "flags");
    Objects.requireNonNull(traceState, "traceState");
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

  /** A context without {@code tracestate}. */
  public TraceContext(String traceId, String spanId, String flags) {
    this(traceId, spanId, flags, TraceState.getDefault());
  }

  /** The ids, flags and trace state of {@code span}, which must be valid. */
  static TraceContext of(SpanContext span) {
    return new TraceContext(span.getTraceId(), span.getSpanId(), span.getTraceFlags().asHex(), span.getTraceState());
  }

  /**
   * A child of the inbound {@code traceparent} (and its {@code tracestate}) when it is valid,
   * otherwise a new trace.
   */
  public static TraceContext continuing(Optional<String> traceparent, Optional<String> tracestate) {
    return remoteParent(traceparent, tracestate)
        .map(parent -> new TraceContext(parent.getTraceId(), newSpanId(), parent.getTraceFlags().asHex(),
            parent.getTraceState()))
        .orElseGet(() -> new TraceContext(randomHex(16, ZERO_TRACE), newSpanId(), "00"));
  }

  /** {@link #continuing} without {@code tracestate}. */
  public static TraceContext continuing(Optional<String> traceparent) {
    return continuing(traceparent, Optional.empty());
  }

  /**
   * The caller's span as the W3C propagator reads the two headers; empty when {@code traceparent}
   * is absent or invalid.
   */
  static Optional<SpanContext> remoteParent(Optional<String> traceparent, Optional<String> tracestate) {
    if (traceparent.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> carrier = new LinkedHashMap<>();
    carrier.put("traceparent", traceparent.get());
    tracestate.ifPresent(s -> carrier.put("tracestate", s));
    SpanContext parent = Span.fromContext(W3C.extract(Context.root(), carrier, GETTER)).getSpanContext();
    return parent.isValid() ? Optional.of(parent) : Optional.empty();
  }

  /** The {@code traceparent} header value naming this request's span. */
  public String traceparent() {
    return headers().get("traceparent");
  }

  /**
   * The response headers naming this request's span, as the W3C propagator writes them: {@code
   * traceparent}, and {@code tracestate} when the caller sent one.
   */
  public Map<String, String> headers() {
    SpanContext span = SpanContext.create(traceId, spanId, TraceFlags.fromHex(flags, 0), traceState);
    Map<String, String> out = new LinkedHashMap<>();
    W3C.inject(Context.root().with(Span.wrap(span)), out, (carrier, key, value) -> {
      if (carrier != null) {
        carrier.put(key, value);
      }
    });
    return out;
  }

  /** The header names this context is read from and written to. */
  public static List<String> headerNames() {
    return List.copyOf(W3C.fields());
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
