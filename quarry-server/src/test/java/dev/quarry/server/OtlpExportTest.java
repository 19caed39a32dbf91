package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.quarry.server.TestApi.Reply;
import dev.quarry.server.config.TelemetryConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OTLP export end to end: {@code quarry serve} wired from its configuration, and a fake collector
 * on loopback (the JDK's HTTP server) that records what it is sent.
 */
class OtlpExportTest {

  /** One request the collector received. */
  record Received(String method, String path, String contentType, byte[] body) {}

  HttpServer collector;
  final List<Received> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startCollector() throws IOException {
    collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    collector.createContext("/", exchange -> {
      try (exchange; InputStream in = exchange.getRequestBody()) {
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
            exchange.getRequestHeaders().getFirst("Content-Type"), in.readAllBytes()));
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse: all accepted
      }
    });
    collector.start();
  }

  @AfterEach
  void stopCollector() {
    collector.stop(0);
  }

  private URI collectorUri() {
    return URI.create("http://127.0.0.1:" + collector.getAddress().getPort());
  }

  @Test
  void spansArriveAtTheConfiguredCollectorAsProtobufOnceTheServerCloses() throws Exception {
    TelemetryConfig telemetry = new TelemetryConfig(Optional.of(collectorUri()), "quarry-otlp-test", 1.0);
    String traceId;
    try (TestApi api = TestApi.start(config -> config.withTelemetry(telemetry))) {
      Reply health = api.json("GET", "/healthz", null, null);
      assertEquals(200, health.status());
      traceId = health.header("traceparent").substring(3, 35);
      api.tenantKey("acme", "search");
    }

    assertFalse(received.isEmpty(), "the spans were exported when the server closed");
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Received r : received) {
      assertEquals("POST", r.method());
      assertEquals("/v1/traces", r.path());
      assertEquals("application/x-protobuf", r.contentType());
      all.writeBytes(r.body());
    }
    byte[] bytes = all.toByteArray();
    for (String expected : List.of("GET /healthz", "POST /v1/tenants", "POST /v1/tenants/{tenant}/keys", "quarry-otlp-test")) {
      assertTrue(contains(bytes, expected.getBytes(StandardCharsets.UTF_8)), "'" + expected + "' was exported");
    }
    assertTrue(contains(bytes, HexFormat.of().parseHex(traceId)), "the trace id of the response, as bytes");
  }

  @Test
  void withoutAnEndpointNothingIsSentEvenWhenOpenTelemetrysOwnSettingsNameACollector() throws Exception {
    System.setProperty("otel.exporter.otlp.endpoint", collectorUri().toString());
    System.setProperty("otel.traces.exporter", "otlp");
    try (TestApi api = TestApi.start()) {
      assertEquals(200, api.json("GET", "/healthz", null, null).status());
      api.tenantKey("acme", "search");
    } finally {
      System.clearProperty("otel.exporter.otlp.endpoint");
      System.clearProperty("otel.traces.exporter");
    }
    assertEquals(List.of(), received, "export is off: no connection to any collector");
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
