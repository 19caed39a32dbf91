package dev.quarry.server.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.KeyValuePair;

class AccessLogTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER_NAME);
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  @BeforeEach
  void capture() {
    events.start();
    logger.addAppender(events);
  }

  @AfterEach
  void release() {
    logger.detachAppender(events);
    MDC.clear();
  }

  private static Map<String, Object> fields(ILoggingEvent e) {
    Map<String, Object> m = new HashMap<>();
    for (KeyValuePair kv : e.getKeyValuePairs()) {
      m.put(kv.key, kv.value);
    }
    return m;
  }

  @Test
  void oneEventPerRequestWithTheRouteTemplateAndNoSecrets() {
    TraceContext trace = new TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "01");
    MDC.put("unrelated", "kept");
    AccessLog log = AccessLog.toLogger();
    log.log(new AccessLog.Entry("req-1", trace, Optional.of("acme"), "POST", "/v1/collections/{collection}/search",
        200, Duration.ofNanos(12_500_000)));
    log.log(new AccessLog.Entry("req-2", trace, Optional.empty(), "GET", "unmatched", 503, Duration.ZERO));
    AccessLog.NONE.log(new AccessLog.Entry("req-3", trace, Optional.empty(), "GET", "/healthz", 200, Duration.ZERO));

    List<ILoggingEvent> logged = events.list;
    assertEquals(2, logged.size());
    ILoggingEvent first = logged.getFirst();
    assertEquals(Level.INFO, first.getLevel());
    assertEquals(AccessLog.LOGGER_NAME, first.getLoggerName());
    assertEquals("req-1", first.getMDCPropertyMap().get("request_id"));
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", first.getMDCPropertyMap().get("trace_id"));
    assertEquals("00f067aa0ba902b7", first.getMDCPropertyMap().get("span_id"));
    Map<String, Object> f = fields(first);
    assertEquals("acme", f.get("tenant"));
    assertEquals("POST", f.get("method"));
    assertEquals("/v1/collections/{collection}/search", f.get("route"));
    assertEquals(200, f.get("status"));
    assertEquals(12.5, (Double) f.get("duration_ms"), 1e-9);
    assertEquals("POST /v1/collections/{collection}/search 200 in 12.5 ms", first.getFormattedMessage());

    ILoggingEvent second = logged.get(1);
    assertEquals(Level.ERROR, second.getLevel());
    assertTrue(!fields(second).containsKey("tenant"), "no tenant, no field");
    assertEquals(Map.of("unrelated", "kept"), MDC.getCopyOfContextMap(), "the caller's MDC is as it was");
  }

  @Test
  void theRequestsIdsAreInTheMdcWhileItIsServed() {
    TraceContext trace = new TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "01");
    AccessLog.putRequest("req-9", trace);
    assertEquals("req-9", MDC.get("request_id"));
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", MDC.get("trace_id"));
    AccessLog.clearRequest();
    assertNull(MDC.get("request_id"));
    assertNull(MDC.get("trace_id"));
  }
}
