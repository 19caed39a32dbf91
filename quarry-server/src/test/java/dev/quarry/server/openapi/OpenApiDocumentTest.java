package dev.quarry.server.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.quarry.core.search.SearchMode;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.server.http.RouteDeclaration;
import dev.quarry.store.key.Scope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {

  static final JsonCodec JSON = new JsonCodec();

  record Window(SearchMode mode, Integer maxTokens) {}

  record Everything(String name, Window window, List<String> tags, Set<Long> ids, Map<String, Double> weights,
      JsonNode anything, boolean flag, double ratio) {}

  record WithOptional(Optional<String> name) {}

  static RouteDeclaration route(String method, String template, Access access, ApiDoc doc) {
    return new RouteDeclaration(method, template, access, Optional.ofNullable(doc), false);
  }

  static JsonNode schema(JsonNode doc, String name) {
    return doc.path("components").path("schemas").path(name);
  }

  @Test
  void recordComponentsBecomeSnakeCasePropertiesWithJsonTypesAndNoOthers() {
    JsonNode doc = OpenApiDocument.generate(List.of(route("POST", "/v1/things", Access.scope(Scope.INGEST),
        ApiDoc.op("createThing", "Create").jsonBody(Everything.class, "name"))), JSON);

    JsonNode body = doc.at("/paths/~1v1~1things/post/requestBody");
    assertTrue(body.get("required").asBoolean());
    assertEquals("#/components/schemas/Everything", body.at("/content/application~1json/schema/$ref").asText());
    JsonNode e = schema(doc, "Everything");
    assertEquals(List.of("name", "window", "tags", "ids", "weights", "anything", "flag", "ratio"), names(e.get("properties")));
    assertFalse(e.get("additionalProperties").asBoolean(true), "the codec rejects unknown fields");
    assertEquals("[\"name\"]", e.get("required").toString());
    assertEquals("{\"$ref\":\"#/components/schemas/Window\"}", e.at("/properties/window").toString());
    assertEquals("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}", e.at("/properties/tags").toString());
    assertEquals("{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"format\":\"int64\"},\"uniqueItems\":true}",
        e.at("/properties/ids").toString());
    assertEquals("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"number\",\"format\":\"double\"}}",
        e.at("/properties/weights").toString());
    assertEquals("{}", e.at("/properties/anything").toString(), "a JsonNode is any value");
    assertEquals("boolean", e.at("/properties/flag/type").asText());
    JsonNode w = schema(doc, "Window");
    assertEquals(List.of("mode", "max_tokens"), names(w.get("properties")));
    assertEquals("[\"lexical\",\"vector\",\"hybrid\"]", w.at("/properties/mode/enum").toString());
    assertEquals(List.of(), OpenApiChecks.problems(doc));
  }

  @Test
  void samplesOfADerivedSchemaBindWithTheCodecAndAnExtraFieldIsRejected() throws Exception {
    JsonNode doc = OpenApiDocument.generate(List.of(route("POST", "/v1/things", Access.scope(Scope.INGEST),
        ApiDoc.op("createThing", "Create").jsonBody(Everything.class))), JSON);
    List<JsonNode> samples = SchemaSamples.all(doc, schema(doc, "Everything"));
    assertEquals(3, samples.size(), "one sample per value of the widest enum");
    List<SearchMode> modes = new ArrayList<>();
    for (JsonNode sample : samples) {
      Everything bound = JSON.read(sample.toString(), Everything.class);
      assertEquals(3, bound.window().maxTokens());
      modes.add(bound.window().mode());
    }
    assertEquals(List.of(SearchMode.values()), modes);
    ((com.fasterxml.jackson.databind.node.ObjectNode) samples.getFirst()).put("not_in_schema", 1);
    assertThrows(UnrecognizedPropertyException.class,
        () -> JSON.read(samples.getFirst().toString(), Everything.class));
  }

  @Test
  void aComponentWithoutAJsonMappingFailsNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenApiDocument.generate(
        List.of(route("POST", "/v1/x", Access.open(), ApiDoc.op("x", "X").jsonBody(WithOptional.class))), JSON));
    assertTrue(e.getMessage().startsWith("cannot describe WithOptional.name of type java.util.Optional<java.lang.String>"),
        e.getMessage());
  }

  @Test
  void aRequiredFieldThatIsNotAPropertyFailsNamingTheOperation() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenApiDocument.generate(
        List.of(route("POST", "/v1/x", Access.open(), ApiDoc.op("makeX", "X").jsonBody(Window.class, "maxTokens"))), JSON));
    assertEquals("makeX: required field 'maxTokens' is not a property of Window (its properties: mode, max_tokens)",
        e.getMessage());
  }

  @Test
  void aDescribedPathParameterMustBeInTheTemplate() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenApiDocument.generate(
        List.of(route("GET", "/v1/things/{thing}", Access.open(),
            ApiDoc.op("getThing", "Get").param(ApiDoc.Param.path("id", "The id.")))), JSON));
    assertEquals("GET /v1/things/{thing}: path parameter 'id' is not in the template", e.getMessage());
  }

  @Test
  void theSameMethodAndTemplateTwiceFails() {
    ApiDoc doc = ApiDoc.op("a", "A");
    assertThrows(IllegalArgumentException.class, () -> OpenApiDocument.generate(List.of(
        route("GET", "/v1/a", Access.open(), doc), route("GET", "/v1/a", Access.open(), ApiDoc.op("b", "B"))), JSON));
  }

  @Test
  void accessDecidesSecurityAndTheAuthErrors() {
    JsonNode doc = OpenApiDocument.generate(List.of(
        route("GET", "/healthz", Access.open(), ApiDoc.op("live", "Live")),
        route("GET", "/v1/mine", Access.anyKey(), ApiDoc.op("getMine", "Mine")),
        new RouteDeclaration("POST", "/v1/things/{thing}", Access.scope(Scope.ADMIN),
            Optional.of(ApiDoc.op("make", "Make").responds(201, "Made").fails(409, "conflict: it exists")), true)), JSON);

    JsonNode open = doc.at("/paths/~1healthz/get");
    assertEquals("[]", open.get("security").toString());
    assertEquals(List.of("200", "400", "500"), names(open.get("responses")), "400: a query parameter it does not take");
    assertTrue(open.get("description").asText().contains("no key is needed"));

    JsonNode mine = doc.at("/paths/~1v1~1mine/get");
    assertEquals("[{\"bearer\":[]}]", mine.get("security").toString(), "a key, no scope");
    assertTrue(mine.get("description").asText().contains("any scope"));
    assertEquals(List.of("200", "400", "401", "500", "503"), names(mine.get("responses")), "no 403: every valid key may call it");

    JsonNode post = doc.at("/paths/~1v1~1things~1{thing}/post");
    assertEquals("[{\"bearer\":[\"admin\"]}]", post.get("security").toString());
    assertTrue(post.get("description").asText().contains("`admin` scope"));
    assertEquals(List.of("201", "400", "401", "403", "409", "422", "500", "503"), names(post.get("responses")));
    assertEquals("idempotency_in_progress: a request with this Idempotency-Key is still running (retryable); or conflict: it exists",
        post.at("/responses/409/description").asText());
    assertEquals("#/components/schemas/Problem", post.at("/responses/409/content/application~1json/schema/$ref").asText());
    assertEquals("#/components/responses/Unauthenticated", post.at("/responses/401/$ref").asText());
    assertEquals("#/components/schemas/Problem",
        doc.at("/components/responses/Unauthenticated/content/application~1json/schema/$ref").asText());
    assertEquals("#/components/headers/Idempotent-Replayed", post.at("/responses/201/headers/Idempotent-Replayed/$ref").asText());
    assertEquals("#/components/parameters/IdempotencyKey", post.at("/parameters/1/$ref").asText());
    assertEquals(List.of(), OpenApiChecks.problems(doc));
  }

  @Test
  void aRouteWithoutADescriptorStillAppearsMarkedUndocumented() {
    JsonNode doc = OpenApiDocument.generate(List.of(route("GET", "/v1/jobs/{job}", Access.scope(Scope.SEARCH), null)), JSON);
    JsonNode op = doc.at("/paths/~1v1~1jobs~1{job}/get");
    assertTrue(op.get("x-undocumented").asBoolean());
    assertEquals("job", op.at("/parameters/0/name").asText());
    assertEquals(List.of(), OpenApiChecks.problems(doc));
  }

  @Test
  void theDocumentDoesNotDependOnDeclarationOrder() {
    List<RouteDeclaration> routes = new ArrayList<>(List.of(
        route("GET", "/v1/b", Access.open(), ApiDoc.op("getB", "B")),
        route("DELETE", "/v1/a", Access.open(), ApiDoc.op("deleteA", "A")),
        route("GET", "/v1/a", Access.open(), ApiDoc.op("getA", "A"))));
    String forward = OpenApiDocument.pretty(OpenApiDocument.generate(routes, JSON));
    java.util.Collections.reverse(routes);
    assertEquals(forward, OpenApiDocument.pretty(OpenApiDocument.generate(routes, JSON)));
    JsonNode doc = OpenApiDocument.generate(routes, JSON);
    assertEquals(List.of("/v1/a", "/v1/b"), names(doc.get("paths")));
    assertEquals(List.of("get", "delete"), names(doc.at("/paths/~1v1~1a")));
  }

  @Test
  void theProblemSchemaListsEveryErrorCode() throws Exception {
    JsonNode doc = new ObjectMapper().readTree(OpenApiDocument.pretty(OpenApiDocument.generate(List.of(), JSON)));
    JsonNode problem = schema(doc, "Problem");
    assertEquals(List.of("code", "message", "retryable", "details", "request_id"), names(problem.get("properties")));
    List<String> codes = new ArrayList<>();
    problem.at("/properties/code/enum").forEach(c -> codes.add(c.asText()));
    for (dev.quarry.core.error.ErrorCode c : dev.quarry.core.error.ErrorCode.values()) {
      assertTrue(codes.contains(c.wireName()), c.wireName());
    }
    for (dev.quarry.server.error.ServerErrorCode c : dev.quarry.server.error.ServerErrorCode.values()) {
      assertTrue(codes.contains(c.wireName()), c.wireName());
    }
  }

  static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.properties().forEach(e -> out.add(e.getKey()));
    return out;
  }
}
