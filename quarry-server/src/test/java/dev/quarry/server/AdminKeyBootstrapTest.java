package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminKeyBootstrapTest {

  static final Pattern GENERATED = Pattern.compile("(qk_[0-9a-f]{16}_[A-Za-z0-9_-]{43})");

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

  /** Issue 7, item 8: a start that cannot bind its port must not use up the one printing of the key. */
  @Test
  void aStartThatCannotBindPrintsNoKeyAndSaysSoAndTheNextStartPrintsIt() throws Exception {
    ByteArrayOutputStream failed = new ByteArrayOutputStream();
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      ConflictException e = assertThrows(ConflictException.class,
          () -> QuarryServer.start(ServerConfig.defaults(dataDir).withPort(taken.getLocalPort()), print(failed)).close());
      assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
      assertTrue(e.getMessage().contains("already in use"), e.getMessage());
    }
    assertEquals("", failed.toString(StandardCharsets.UTF_8), "no key is generated when the port cannot be bound");

    ByteArrayOutputStream next = new ByteArrayOutputStream();
    try (QuarryServer s = QuarryServer.start(ServerConfig.defaults(dataDir).withPort(0), print(next))) {
      Matcher m = GENERATED.matcher(next.toString(StandardCharsets.UTF_8));
      assertTrue(m.find(), "the next start prints the key: " + next);
      assertEquals(201, createTenant(s, m.group(1), "acme").statusCode());
    }
  }

  @Test
  void anUnresolvableHostIsAnInvalidSettingNotAStorageFailure() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> dev.quarry.server.http.HttpEdge.listen("no-such-host.invalid", 0).close());
    assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
  }

  @Test
  void changingTheChosenAdminKeyRevokesThePreviousOne() throws Exception {
    String first = "first-operator-key-0123456789-abcdef";
    String second = "second-operator-key-0123456789-abcdef";
    try (QuarryServer s = QuarryServer.start(ServerConfig.defaults(dataDir).withPort(0).withAdminKey(Optional.of(first)),
        print(new ByteArrayOutputStream()))) {
      assertEquals(201, createTenant(s, first, "acme").statusCode());
    }
    ByteArrayOutputStream notices = new ByteArrayOutputStream();
    try (QuarryServer s = QuarryServer.start(ServerConfig.defaults(dataDir).withPort(0).withAdminKey(Optional.of(second)),
        print(notices))) {
      assertEquals(401, createTenant(s, first, "globex").statusCode(), "the replaced key no longer works");
      assertEquals(201, createTenant(s, second, "globex").statusCode());
      assertTrue(notices.toString(StandardCharsets.UTF_8).contains("revoked"), notices.toString(StandardCharsets.UTF_8));
    }
    ConflictException e = assertThrows(ConflictException.class, () -> QuarryServer.start(
        ServerConfig.defaults(dataDir).withPort(0).withAdminKey(Optional.of(first)), print(new ByteArrayOutputStream())).close());
    assertTrue(e.getMessage().contains("revoked"), e.getMessage());
  }

  @Test
  void theOperatorRotatesTheGeneratedKey() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (QuarryServer s = QuarryServer.start(ServerConfig.defaults(dataDir).withPort(0), print(out))) {
      Matcher m = GENERATED.matcher(out.toString(StandardCharsets.UTF_8));
      assertTrue(m.find(), out.toString(StandardCharsets.UTF_8));
      String key = m.group(1);
      String id = key.substring(3, 19);
      HttpResponse<String> rotated = send(s, key, "POST", "/v1/tenants/quarry-admin/keys/" + id + "/rotate", "{}");
      assertEquals(200, rotated.statusCode(), rotated.body());
      Matcher fresh = GENERATED.matcher(rotated.body());
      assertTrue(fresh.find(), rotated.body());
      assertEquals(401, createTenant(s, key, "acme").statusCode());
      assertEquals(201, createTenant(s, fresh.group(1), "acme").statusCode());
    }
  }

  private static HttpResponse<String> createTenant(QuarryServer s, String key, String tenant) throws Exception {
    return send(s, key, "POST", "/v1/tenants", "{\"id\":\"" + tenant + "\"}");
  }

  private static HttpResponse<String> send(QuarryServer s, String key, String method, String path, String json)
      throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
            .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
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
