package dev.quarry.server.observe;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One log event per request, on logger {@value #LOGGER_NAME}: the request's {@code request_id},
 * {@code trace_id} and {@code span_id} (in the MDC, as on every line logged while the request is
 * served, see {@link #putRequest}), and the fields {@code tenant} (when the request was
 * authenticated), {@code method}, {@code route}
 * (the template), {@code status} and {@code duration_ms}. The logging backend adds time, level and
 * logger and writes it (JSON, one line, with every other log line: quarry-cli's logback.xml).
 *
 * <p>Decisions: never bodies, query strings, raw paths or keys (raw paths hold ids, bodies hold
 * document text) — only the route template; level INFO below 500 and ERROR from 500. {@link #NONE}
 * logs nothing.
 */
public final class AccessLog {

  /** The logger access events go to. */
  public static final String LOGGER_NAME = "quarry.access";

  /** MDC keys of the request being served. */
  public static final String REQUEST_ID = "request_id";
  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";

  /** One answered request, as logged. */
  public record Entry(
      String requestId, TraceContext trace, Optional<String> tenant, String method, String route, int status,
      Duration duration) {
    public Entry {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(trace, "trace");
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(duration, "duration");
    }
  }

  /** Logs nothing. */
  public static final AccessLog NONE = new AccessLog(Optional.empty());

  private final Optional<Logger> log;

  private AccessLog(Optional<Logger> log) {
    this.log = log;
  }

  /** Logs every request to {@value #LOGGER_NAME}. */
  public static AccessLog toLogger() {
    return new AccessLog(Optional.of(LoggerFactory.getLogger(LOGGER_NAME)));
  }

  /** Puts the request's ids in the MDC of this thread, for every line logged while it is served. */
  public static void putRequest(String requestId, TraceContext trace) {
    MDC.put(REQUEST_ID, requestId);
    MDC.put(TRACE_ID, trace.traceId());
    MDC.put(SPAN_ID, trace.spanId());
  }

  /** Removes what {@link #putRequest} put. */
  public static void clearRequest() {
    MDC.remove(REQUEST_ID);
    MDC.remove(TRACE_ID);
    MDC.remove(SPAN_ID);
  }

  public void log(Entry e) {
    if (log.isEmpty()) {
      return;
    }
    Map<String, String> before = MDC.getCopyOfContextMap();
    putRequest(e.requestId(), e.trace());
    try {
      double ms = e.duration().toNanos() / 1e6;
      LoggingEventBuilder event = e.status() >= 500 ? log.get().atError() : log.get().atInfo();
      if (e.tenant().isPresent()) {
        event = event.addKeyValue("tenant", e.tenant().get());
      }
      event.addKeyValue("method", e.method())
          .addKeyValue("route", e.route())
          .addKeyValue("status", e.status())
          .addKeyValue("duration_ms", ms)
          .log("{} {} {} in {} ms", e.method(), e.route(), e.status(), ms);
    } finally {
      if (before == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(before);
      }
    }
  }
}
