package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.server.http.RouteDeclaration;
import dev.quarry.server.openapi.OpenApiChecks;
import dev.quarry.server.openapi.OpenApiDocument;
import dev.quarry.server.openapi.SchemaSamples;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OpenAPI description against the server's real routes: every route is described, the
 * committed {@code docs/openapi.json} is current, the document is sound, the body schemas bind, and
 * the server serves exactly this document. Regenerate the committed copy with {@link #REGENERATE}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDriftTest {

  static final String REGENERATE = "./mvnw -o -q -pl quarry-server -am verify -Dtest=OpenApiDriftTest "
      + "-Dsurefire.failIfNoSpecifiedTests=false -Dquarry.openapi.write=true";
  static final Path COMMITTED = Path.of("..", "docs", "openapi.json");
  static final ObjectMapper MAPPER = new ObjectMapper();

  Path dataDir;
  QuarryServer server;
  JsonCodec json = new JsonCodec();
  List<RouteDeclaration> routes;
  ObjectNode generated;

  @BeforeAll
  void start() throws IOException {
    dataDir = Files.createTempDirectory("quarry-openapi-test");
    server = QuarryServer.start(ServerConfig.defaults(dataDir).withPort(0)
        .withAdminKey(Optional.of("test-admin-key-0123456789-abcdef")), System.err);
    routes = server.router().routes();
    generated = OpenApiDocument.generate(routes, json);
  }

  @AfterAll
  void stop() throws IOException {
    server.close();
    try (var files = Files.walk(dataDir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void everyRouteIsInTheDocumentWithADescriptor() {
    List<String> undescribed = new ArrayList<>();
    for (RouteDeclaration r : routes) {
      JsonNode op = generated.path("paths").path(r.template()).path(r.method().toLowerCase(Locale.ROOT));
      assertTrue(op.isObject(), r + " is missing from the document");
      if (r.doc().isEmpty()) {
        undescribed.add(r.toString());
      }
    }
    assertEquals(List.of(), undescribed, "routes declared without an ApiDoc; add one to each "
        + "(router.route(method, path, access, ApiDoc.op(...)..., handler)), see docs/architecture.md");
    int operations = 0;
    for (JsonNode path : generated.get("paths")) {
      operations += path.size();
    }
    assertEquals(routes.size(), operations, "the document has no operation that is not a route");
  }

  @Test
  void theCommittedCopyIsTheGeneratedDocument() throws IOException {
    String text = OpenApiDocument.pretty(generated);
    if (Boolean.getBoolean("quarry.openapi.write")) {
      Files.writeString(COMMITTED, text, StandardCharsets.UTF_8);
      System.err.println("wrote " + COMMITTED.toAbsolutePath().normalize());
      return;
    }
    assertTrue(Files.exists(COMMITTED), COMMITTED.toAbsolutePath().normalize() + " is missing; generate it with: " + REGENERATE);
    String committed = Files.readString(COMMITTED, StandardCharsets.UTF_8);
    if (!committed.equals(text)) {
      fail("docs/openapi.json differs from the routes (" + firstDifference(committed, text)
          + "); regenerate it with: " + REGENERATE);
    }
  }

  @Test
  void theDocumentIsStructurallySound() {
    assertEquals("3.1.0", generated.get("openapi").asText());
    assertEquals(List.of(), OpenApiChecks.problems(generated));
  }

  @Test
  void theDocumentPassesRedoclysRecommendedRules() {
    assertEquals(List.of(), OpenApiChecks.recommendedRules(generated));
    assertEquals("/", generated.at("/servers/0/url").asText());
    assertEquals(OpenApiDocument.LICENSE, generated.at("/info/license/identifier").asText());
  }

  @Test
  void everyJsonBodySchemaBindsWithTheCodecAndRejectsAnUnknownField() throws Exception {
    int bodies = 0;
    for (RouteDeclaration r : routes) {
      if (!(r.doc().flatMap(ApiDoc::body).orElse(null) instanceof ApiDoc.Body.Json body)) {
        continue;
      }
      bodies++;
      JsonNode schema = generated.path("paths").path(r.template()).path(r.method().toLowerCase(Locale.ROOT))
          .at("/requestBody/content/application~1json/schema");
      for (JsonNode sample : SchemaSamples.all(generated, schema)) {
        json.read(sample.toString(), body.type());
        ((ObjectNode) sample).put("not_in_the_schema", true);
        assertThrows(UnrecognizedPropertyException.class,
            () -> json.read(sample.toString(), body.type()), r.toString());
      }
    }
    assertTrue(bodies >= 5, "the tenant, key, collection, document and search bodies, got: " + bodies);
  }

  @Test
  void theServerServesTheGeneratedDocumentWithoutAKey() throws Exception {
    HttpResponse<String> r = get("/v1/openapi.json");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(r.headers().firstValue("X-Request-Id").isPresent());
    JsonNode served = MAPPER.readTree(r.body());
    assertFalse(served.has("request_id"), "the document is served as it is");
    assertEquals(MAPPER.readTree(OpenApiDocument.pretty(generated)), served);
  }

  @Test
  void anErrorBodyHasTheFieldsOfTheProblemSchema() throws Exception {
    HttpResponse<String> r = get("/v1/collections");
    assertEquals(401, r.statusCode());
    JsonNode body = MAPPER.readTree(r.body());
    JsonNode problem = generated.at("/components/schemas/Problem");
    List<String> fields = new ArrayList<>();
    body.properties().forEach(e -> fields.add(e.getKey()));
    List<String> documented = new ArrayList<>();
    problem.get("properties").properties().forEach(e -> documented.add(e.getKey()));
    assertEquals(documented, fields);
    List<String> codes = new ArrayList<>();
    problem.at("/properties/code/enum").forEach(c -> codes.add(c.asText()));
    assertTrue(codes.contains(body.get("code").asText()), body.toString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static String firstDifference(String committed, String generated) {
    String[] a = committed.split("\n", -1);
    String[] b = generated.split("\n", -1);
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      if (!a[i].equals(b[i])) {
        return "line " + (i + 1) + ": committed '" + a[i].strip() + "', generated '" + b[i].strip() + "'";
      }
    }
    return "committed has " + a.length + " lines, generated " + b.length;
  }
}
