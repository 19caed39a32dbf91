package dev.quarry.runtime.tools.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.quarry.runtime.tools.ToolException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A tenant's HTTP tool against a real loopback server, and the SSRF refusals. */
class HttpToolClientTest {

  HttpServer server;
  final List<String> received = new CopyOnWriteArrayList<>();
  volatile byte[] reply = "{\"temperature\":21}".getBytes(StandardCharsets.UTF_8);
  volatile long delayMillis;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/weather", exchange -> {
      received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
          + " " + exchange.getRequestHeaders().getFirst("Content-Type"));
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.sendResponseHeaders(200, reply.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(reply);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI url(String host) {
    return URI.create("http://" + host + ":" + server.getAddress().getPort() + "/weather");
  }

  private static Instant in(Duration d) {
    return Instant.now().plus(d);
  }

  @Test
  void postsTheArgumentsAsJsonAndReturnsTheBodyWhenTheOperatorAllowsLoopback() {
    try (HttpToolClient client = new HttpToolClient(new HttpToolSettings(true, Duration.ofSeconds(5), 1024))) {
      String body = client.post(url("127.0.0.1"), Set.of("127.0.0.1"), "{\"city\":\"Oslo\"}", in(Duration.ofSeconds(5)));
      assertEquals("{\"temperature\":21}", body);
      assertEquals(1, received.size());
      assertTrue(received.getFirst().startsWith("{\"city\":\"Oslo\"} application/json"), received.toString());
    }
  }

  @Test
  void loopbackIsRefusedWithoutTheOperatorAllowanceAndNothingIsSent() {
    try (HttpToolClient client = new HttpToolClient(new HttpToolSettings(false, Duration.ofSeconds(5), 1024))) {
      ToolException e = assertThrows(ToolException.class,
          () -> client.post(url("127.0.0.1"), Set.of("127.0.0.1"), "{}", in(Duration.ofSeconds(5))));
      assertTrue(e.getMessage().contains("non-public address"), e.getMessage());
      ToolException named = assertThrows(ToolException.class,
          () -> client.post(url("localhost"), Set.of("localhost"), "{}", in(Duration.ofSeconds(5))));
      assertTrue(named.getMessage().contains("refused"), named.getMessage());
      assertTrue(received.isEmpty());
    }
  }

  @Test
  void aHostOffTheAllowListIsRefused() {
    try (HttpToolClient client = new HttpToolClient(new HttpToolSettings(true, Duration.ofSeconds(5), 1024))) {
      ToolException e = assertThrows(ToolException.class,
          () -> client.post(url("127.0.0.1"), Set.of("api.example.com"), "{}", in(Duration.ofSeconds(5))));
      assertTrue(e.getMessage().contains("not on the tenant's tool allow-list"), e.getMessage());
      assertTrue(received.isEmpty());
    }
  }

  /** The first answer is public, the one at connect time loopback: the connection is refused. */
  @Test
  void aDnsAnswerThatTurnsPrivateAtConnectTimeIsRefused() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    InetAddress publicAddress = InetAddress.getByAddress("tool.example.com", new byte[] {93, (byte) 184, (byte) 216, 34});
    InetAddress loopback = InetAddress.getByAddress("tool.example.com", new byte[] {127, 0, 0, 1});
    HostResolver rebinding = host -> new InetAddress[] {lookups.getAndIncrement() == 0 ? publicAddress : loopback};
    try (HttpToolClient client = new HttpToolClient(new HttpToolSettings(false, Duration.ofSeconds(5), 1024), rebinding)) {
      ToolException e = assertThrows(ToolException.class, () -> client.post(url("tool.example.com"),
          Set.of("*.example.com"), "{}", in(Duration.ofSeconds(5))));
      assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
      assertTrue(lookups.get() >= 2, "resolved again at connect time");
      assertTrue(received.isEmpty());
    }
  }

  @Test
  void aResponseOverTheCapIsAnError() {
    reply = "x".repeat(2048).getBytes(StandardCharsets.UTF_8);
    try (HttpToolClient client = new HttpToolClient(new HttpToolSettings(true, Duration.ofSeconds(5), 1024))) {
      ToolException e = assertThrows(ToolException.class,
          () -> client.post(url("127.0.0.1"), Set.of("127.0.0.1"), "{}", in(Duration.ofSeconds(5))));
      assertTrue(e.getMessage().contains("larger than 1024 bytes"), e.getMessage());
    }
  }

  @Test
  void aSlowToolTimesOut() {
    delayMillis = 3_000;
    try (HttpToolClient client = new HttpToolClient(new HttpToolSettings(true, Duration.ofMillis(300), 1024))) {
      long t0 = System.nanoTime();
      ToolException e = assertThrows(ToolException.class,
          () -> client.post(url("127.0.0.1"), Set.of("127.0.0.1"), "{}", in(Duration.ofSeconds(5))));
      assertTrue(System.nanoTime() - t0 < 2_500_000_000L, "waited for the slow tool: " + e.getMessage());
    }
  }

  @Test
  void privateLinkLocalAndMappedAddressesAreNotPublic() throws Exception {
    for (String a : List.of("10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
        "::1", "fe80::1", "fd00:ec2::254", "::ffff:127.0.0.1", "::ffff:10.0.0.1")) {
      assertFalse(AddressPolicy.isPublic(InetAddress.getByName(a)), a);
    }
    for (String a : List.of("93.184.216.34", "8.8.8.8", "2606:4700::1111")) {
      assertTrue(AddressPolicy.isPublic(InetAddress.getByName(a)), a);
    }
  }
}
