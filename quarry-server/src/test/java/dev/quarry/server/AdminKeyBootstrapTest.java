package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminKeyBootstrapTest {

  @TempDir Path dataDir;

  @Test
  void generatesAnAdminKeyOnceAndItWorks() throws Exception {
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    String key;
    try (QuarryServer s = QuarryServer.start(ServerConfig.defaults(dataDir).withPort(0), print(first))) {
      Matcher m = Pattern.compile("(qk_[0-9a-f]{16}_[A-Za-z0-9_-]{43})").matcher(first.toString(StandardCharsets.UTF_8));
      assertTrue(m.find(), "the generated key is printed: " + first);
      key = m.group(1);
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/tenants"))
              .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"acme\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(201, r.statusCode(), r.body());
    }
    ByteArrayOutputStream second = new ByteArrayOutputStream();
    try (QuarryServer s = QuarryServer.start(ServerConfig.defaults(dataDir).withPort(0), print(second))) {
      assertTrue(s.port() > 0);
      assertEquals("", second.toString(StandardCharsets.UTF_8), "a key is printed only at first start");
    }
  }

  @Test
  void configComesFromTheEnvironment() {
    ServerConfig c = ServerConfig.fromEnvironment(Map.of(
        "QUARRY_PORT", "9090", "QUARRY_HOST", "0.0.0.0", "QUARRY_DATA_DIR", "/tmp/q",
        "QUARRY_MAX_K", "20", "QUARRY_ADMIN_KEY", "secret-secret-secret-secret"));
    assertEquals(9090, c.port());
    assertEquals("0.0.0.0", c.host());
    assertEquals(Path.of("/tmp/q"), c.dataDir());
    assertEquals(20, c.limits().maxK());
    assertEquals(ServerConfig.Limits.DEFAULT.maxBodyBytes(), c.limits().maxBodyBytes());
    assertTrue(c.adminKey().isPresent());
    assertTrue(!c.toString().contains("secret"), "toString hides the admin key");
    ServerConfig d = ServerConfig.fromEnvironment(Map.of());
    assertEquals(8080, d.port());
    assertEquals("127.0.0.1", d.host());
  }

  private static PrintStream print(ByteArrayOutputStream out) {
    return new PrintStream(out, true, StandardCharsets.UTF_8);
  }
}
