package dev.quarry.server.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One JSON line per request: timestamp, level, request id, trace id, tenant, method, route
 * template, status and duration in milliseconds.
 *
 * <p>Decisions: never bodies, query strings, raw paths or keys (raw paths hold ids, bodies hold
 * document text) — only the route template; level is {@code info} below 500 and {@code error}
 * from 500; lines are written whole under the stream's lock so concurrent requests do not
 * interleave. {@link #NONE} writes nothing.
 */
public final class AccessLog {

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

  public static final AccessLog NONE = new AccessLog(Optional.empty(), Clock.systemUTC());

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Optional<PrintStream> out;
  private final Clock clock;

  private AccessLog(Optional<PrintStream> out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  /** Writes to {@code out} (the server uses standard error), timestamps from {@code clock}. */
  public static AccessLog to(PrintStream out, Clock clock) {
    return new AccessLog(Optional.of(Objects.requireNonNull(out, "out")), Objects.requireNonNull(clock, "clock"));
  }

  public void log(Entry e) {
    if (out.isEmpty()) {
      return;
    }
    out.get().println(line(e));
  }

  String line(Entry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("timestamp", clock.instant().toString());
    m.put("level", e.status() >= 500 ? "error" : "info");
    m.put("request_id", e.requestId());
    m.put("trace_id", e.trace().traceId());
    m.put("span_id", e.trace().spanId());
    m.put("tenant", e.tenant().orElse(null));
    m.put("method", e.method());
    m.put("route", e.route());
    m.put("status", e.status());
    m.put("duration_ms", e.duration().toNanos() / 1e6);
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException("a map of strings and numbers always serialises", impossible);
    }
  }
}
