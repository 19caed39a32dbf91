package dev.quarry.server.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessLogTest {

  @Test
  void oneJsonLinePerRequestWithTheRouteTemplateAndNoSecrets() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    AccessLog log = AccessLog.to(out, Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));
    TraceContext trace = new TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "01");
    log.log(new AccessLog.Entry("req-1", trace, Optional.of("acme"), "POST", "/v1/collections/{collection}/search",
        200, Duration.ofNanos(12_500_000)));
    log.log(new AccessLog.Entry("req-2", trace, Optional.empty(), "GET", "unmatched", 503, Duration.ZERO));
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(2, lines.length);
    JsonNode first = new ObjectMapper().readTree(lines[0]);
    assertEquals("2026-01-02T03:04:05Z", first.get("timestamp").asText());
    assertEquals("info", first.get("level").asText());
    assertEquals("req-1", first.get("request_id").asText());
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", first.get("trace_id").asText());
    assertEquals("acme", first.get("tenant").asText());
    assertEquals("/v1/collections/{collection}/search", first.get("route").asText());
    assertEquals(200, first.get("status").asInt());
    assertEquals(12.5, first.get("duration_ms").asDouble(), 1e-9);
    JsonNode second = new ObjectMapper().readTree(lines[1]);
    assertEquals("error", second.get("level").asText());
    assertTrue(second.get("tenant").isNull());
  }
}
