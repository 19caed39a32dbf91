package dev.quarry.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.ModelConfig;
import dev.quarry.llm.config.Price;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.schema.JsonSchemas;
import dev.quarry.llm.testing.InvalidJsonFault;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import dev.quarry.runtime.AnswerSettings;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import dev.quarry.server.config.RuntimeConfig;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code response_format} on {@code /v1/chat} and {@code /v1/chat/completions} over real HTTP,
 * against a scripted upstream. The floor: with a model that answers invalid JSON half of the time,
 * no invalid object ever reaches a client, whole or streamed: every response is schema-valid JSON or
 * the typed {@code invalid_model_output} error, with nothing of the answer sent before it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StructuredOutputTest {

  static final String CERTS = "Cluster certificates expire after one year. Rotate them with kubeadm certs renew before "
      + "they lapse.";
  static final String SCHEMA = """
      {"type":"object","properties":{"answer":{"type":"string","minLength":1},
       "confidence":{"type":"number","minimum":0,"maximum":1},"ids":{"type":"array","items":{"type":"integer"}}},
       "required":["answer","confidence"],"additionalProperties":false}""";
  static final String VALID = "{\"answer\":\"They expire after one year [1].\",\"confidence\":0.9,\"ids\":[1, 2]}";
  static final List<String> BREAKING = List.of("{\"answer\":\"one year [1]\"}",
      "{\"answer\":\"one year\",\"confidence\":7}", "{\"answer\":1,\"confidence\":0.5}",
      "{\"answer\":\"one year\",\"confidence\":0.5,\"extra\":true}", "[\"one year\"]");

  static final ObjectMapper JSON = new ObjectMapper();
  static final JsonSchemas.Compiled CHECK = JsonSchemas.compile(SCHEMA);

  ScriptedOpenAiServer upstream;
  TestApi api;
  String key;
  HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    upstream = ScriptedOpenAiServer.start();
    LlmConfig llm = new LlmConfig(
        List.of(new ProviderConfig("up", ProviderKind.OPENAI, upstream.baseUrl(), Optional.empty(), Duration.ofSeconds(10))),
        List.of(new ModelConfig("small", "up", "gpt-x", 8192, new Price(BigDecimal.ONE, BigDecimal.TEN),
                Set.of(ModelCapability.STREAMING, ModelCapability.JSON_SCHEMA)),
            new ModelConfig("plain", "up", "llama", 8192, Price.FREE, Set.of(ModelCapability.STREAMING))), "small");
    api = TestApi.start(c -> c.withRuntime(new RuntimeConfig(llm, AnswerSettings.DEFAULT)));
    key = api.tenantKey("acme", "ingest", "search");
    assertEquals(201, api.json("PUT", "/v1/collections/ops", key, "{}").status());
    Reply r = api.json("PUT", "/v1/collections/ops/documents/certs", key, "{\"text\":\"" + CERTS + "\"}");
    assertEquals(200, r.status(), r.body().toString());
  }

  @AfterAll
  void stop() throws Exception {
    http.close();
    api.close();
    upstream.close();
  }

  static String format(String schema) {
    return "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\",\"strict\":true,\"schema\":" + schema + "}}";
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .timeout(Duration.ofMinutes(1)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The six ways a client asks: {@code /v1/chat} and the OpenAI API (a proxied model, {@code rag/}), each whole and streamed. */
  enum Way { CHAT, CHAT_STREAM, PROXY, PROXY_STREAM, RAG, RAG_STREAM }

  private String body(Way way) {
    String f = format(SCHEMA);
    return switch (way) {
      case CHAT, CHAT_STREAM -> "{\"message\":\"When do certificates expire?\",\"collections\":[\"ops\"],"
          + "\"model\":\"small\",\"stream\":" + (way == Way.CHAT_STREAM) + ",\"response_format\":" + f + "}";
      case PROXY, PROXY_STREAM -> "{\"model\":\"small\",\"messages\":[{\"role\":\"user\",\"content\":\"When?\"}],"
          + "\"stream\":" + (way == Way.PROXY_STREAM) + ",\"response_format\":" + f + "}";
      case RAG, RAG_STREAM -> "{\"model\":\"rag/ops\",\"messages\":[{\"role\":\"user\",\"content\":\"When do "
          + "certificates expire?\"}],\"stream\":" + (way == Way.RAG_STREAM) + ",\"response_format\":" + f + "}";
    };
  }

  /** What one response was: a valid answer or the typed error; anything else fails the test. */
  enum Outcome { VALID, INVALID_MODEL_OUTPUT }

  private Outcome ask(Way way) throws Exception {
    HttpResponse<String> r = post(way.name().startsWith("CHAT") ? "/v1/chat" : "/v1/chat/completions", body(way));
    String what = way + " -> " + r.statusCode() + " " + r.body();
    return switch (way) {
      case CHAT -> {
        JsonNode b = JSON.readTree(r.body());
        if (r.statusCode() == 502) {
          assertTypedError(b.path("code"), b.path("details").path("errors"), what);
          yield Outcome.INVALID_MODEL_OUTPUT;
        }
        assertEquals(200, r.statusCode(), what);
        assertValid(b.path("answer").asText(), what);
        assertEquals(1, b.path("citations").size(), what);
        assertEquals("certs", b.path("citations").path(0).path("document_id").asText(), what);
        yield Outcome.VALID;
      }
      case PROXY, RAG -> {
        JsonNode b = JSON.readTree(r.body());
        if (r.statusCode() == 502) {
          assertTypedError(b.path("error").path("code"), b.path("error").path("errors"), what);
          assertEquals("api_error", b.path("error").path("type").asText(), what);
          yield Outcome.INVALID_MODEL_OUTPUT;
        }
        assertEquals(200, r.statusCode(), what);
        assertValid(b.path("choices").path(0).path("message").path("content").asText(), what);
        yield Outcome.VALID;
      }
      case CHAT_STREAM -> {
        assertEquals(200, r.statusCode(), what);
        StringBuilder deltas = new StringBuilder();
        JsonNode end = null;
        String endEvent = null;
        String event = null;
        for (String line : r.body().split("\n")) {
          if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ")) {
            JsonNode data = JSON.readTree(line.substring(6));
            if ("delta".equals(event)) {
              deltas.append(data.path("text").asText());
            } else if ("done".equals(event) || "error".equals(event)) {
              end = data;
              endEvent = event;
            }
          }
        }
        if ("error".equals(endEvent)) {
          assertTypedError(end.path("code"), end.path("errors"), what);
          assertEquals("", deltas.toString(), "nothing of an invalid answer is streamed: " + what);
          yield Outcome.INVALID_MODEL_OUTPUT;
        }
        assertEquals("done", endEvent, what);
        assertValid(deltas.toString(), what);
        assertEquals(deltas.toString(), end.path("answer").asText(), what);
        yield Outcome.VALID;
      }
      case PROXY_STREAM, RAG_STREAM -> {
        assertEquals(200, r.statusCode(), what);
        StringBuilder content = new StringBuilder();
        JsonNode error = null;
        boolean done = false;
        for (String line : r.body().split("\n")) {
          if (!line.startsWith("data: ")) {
            continue;
          }
          String data = line.substring(6);
          if (data.equals("[DONE]")) {
            done = true;
            continue;
          }
          JsonNode chunk = JSON.readTree(data);
          if (chunk.has("error")) {
            error = chunk.get("error");
          }
          for (JsonNode choice : chunk.path("choices")) {
            content.append(choice.path("delta").path("content").asText(""));
          }
        }
        if (error != null) {
          assertTypedError(error.path("code"), error.path("errors"), what);
          assertEquals("", content.toString(), "nothing of an invalid answer is streamed: " + what);
          assertFalse(done, what);
          yield Outcome.INVALID_MODEL_OUTPUT;
        }
        assertTrue(done, what);
        assertValid(content.toString(), what);
        yield Outcome.VALID;
      }
    };
  }

  private static void assertValid(String json, String what) {
    assertEquals(List.of(), CHECK.validate(json), "a client got an invalid answer: " + what);
  }

  private static void assertTypedError(JsonNode code, JsonNode errors, String what) {
    assertEquals("invalid_model_output", code.asText(), what);
    assertTrue(errors.isArray() && !errors.isEmpty(), what);
    for (JsonNode e : errors) {
      assertTrue(e.path("pointer").isTextual() && !e.path("message").asText().isBlank(), what);
    }
  }

  @Test
  void noInvalidObjectEverReachesAClientWhenTheModelAnswersInvalidJsonHalfOfTheTime() throws Exception {
    InvalidJsonFault fault = new InvalidJsonFault(VALID, BREAKING, 0.5, 42);
    upstream.respondWith(fault);
    int upstreamBefore = upstream.requests().size();
    int perWay = 40;
    Map<Way, Map<Outcome, AtomicInteger>> counts = new ConcurrentHashMap<>();
    List<Future<?>> done = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < perWay; i++) {
        for (Way way : Way.values()) {
          done.add(pool.submit(() -> {
            Outcome o = ask(way);
            counts.computeIfAbsent(way, w -> new ConcurrentHashMap<>()).computeIfAbsent(o, x -> new AtomicInteger())
                .incrementAndGet();
            return null;
          }));
        }
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      upstream.respondByDefault(ScriptedReply.text("ok"));
    }
    int valid = 0;
    int errors = 0;
    for (Way way : Way.values()) {
      Map<Outcome, AtomicInteger> c = counts.getOrDefault(way, Map.of());
      int v = c.getOrDefault(Outcome.VALID, new AtomicInteger()).get();
      int e = c.getOrDefault(Outcome.INVALID_MODEL_OUTPUT, new AtomicInteger()).get();
      assertEquals(perWay, v + e, way + ": " + c);
      valid += v;
      errors += e;
    }
    int calls = upstream.requests().size() - upstreamBefore;
    assertEquals(fault.validServed() + fault.invalidServed(), calls);
    // an error took exactly two calls, both invalid; a valid answer one or two (repaired)
    assertTrue(fault.invalidServed() >= 2 * errors, fault.invalidServed() + " invalid answers, " + errors + " errors");
    assertEquals(valid, fault.validServed(), "each valid answer served reached a client, once");
    assertTrue(valid > 0 && errors > 0, valid + " valid, " + errors + " errors");
    int total = valid + errors;
    assertTrue(calls > total, "invalid first answers were repaired: " + calls + " calls for " + total + " requests");
    System.out.printf("structured floor: %d requests, %d valid, %d invalid_model_output, %d model calls (%d answers "
        + "invalid)%n", total, valid, errors, calls, fault.invalidServed());
  }

  @Test
  void aRepairedAnswerIsTheSecondAnswerAndTheModelSawItsErrors() throws Exception {
    upstream.enqueue(ScriptedReply.text("{\"answer\":\"one year\",\"confidence\":7}"), ScriptedReply.text(VALID));
    HttpResponse<String> r = post("/v1/chat/completions", body(Way.PROXY));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode b = JSON.readTree(r.body());
    assertEquals(VALID, b.path("choices").path(0).path("message").path("content").asText());
    JsonNode repair = upstream.lastRequest().json().path("messages");
    assertTrue(repair.get(repair.size() - 1).path("content").asText().contains("/confidence"), repair.toString());
    assertEquals("json_schema", upstream.lastRequest().json().path("response_format").path("type").asText());
  }

  @Test
  void aFailedAnswerLeavesNoSessionBehindWholeOrStreamedAndAGoodOneLeavesOneWithItsTurn() throws Exception {
    for (boolean stream : new boolean[] {false, true}) {
      upstream.enqueue(ScriptedReply.text(BREAKING.get(0)), ScriptedReply.text(BREAKING.get(1)));
      HttpResponse<String> r = post("/v1/chat", "{\"message\":\"When do certificates expire?\",\"collections\":[\"ops\"],"
          + "\"model\":\"small\",\"user\":\"unlucky\",\"stream\":" + stream + ",\"response_format\":" + format(SCHEMA) + "}");
      if (stream) {
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("event: error") && !r.body().contains("event: done"), r.body());
      } else {
        assertEquals(502, r.statusCode(), r.body());
      }
    }
    Reply none = api.json("GET", "/v1/sessions?user=unlucky", key, null);
    assertEquals(0, none.body().get("sessions").size(), none.body().toString());

    upstream.enqueue(ScriptedReply.text(VALID));
    HttpResponse<String> ok = post("/v1/chat", "{\"message\":\"When do certificates expire?\",\"collections\":[\"ops\"],"
        + "\"model\":\"small\",\"user\":\"unlucky\",\"stream\":true,\"response_format\":" + format(SCHEMA) + "}");
    assertEquals(200, ok.statusCode(), ok.body());
    String done = ok.body().substring(ok.body().indexOf("event: done"));
    String id = JSON.readTree(done.substring(done.indexOf("data: ") + 6, done.indexOf("\n\n"))).path("session_id").asText();
    JsonNode one = api.json("GET", "/v1/sessions?user=unlucky", key, null).body().get("sessions");
    assertEquals(1, one.size(), one.toString());
    assertEquals(id, one.get(0).get("id").asText());
    assertEquals(1, one.get(0).get("turns").asInt());
    JsonNode turns = api.json("GET", "/v1/sessions/" + id + "?user=unlucky", key, null).body().get("turns");
    assertEquals(VALID, turns.get(0).get("answer").asText());
  }

  @Test
  void jsonObjectAcceptsAnyObjectAndRefusesOtherJson() throws Exception {
    upstream.enqueue(ScriptedReply.text("[1]"), ScriptedReply.text("\"no\""));
    HttpResponse<String> r = post("/v1/chat/completions", "{\"model\":\"small\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"hi\"}],\"response_format\":{\"type\":\"json_object\"}}");
    assertEquals(502, r.statusCode(), r.body());
    assertEquals("invalid_model_output", JSON.readTree(r.body()).path("error").path("code").asText());
    assertEquals("{\"type\":\"json_object\"}", upstream.lastRequest().json().path("response_format").toString());
    upstream.enqueue(ScriptedReply.text("{\"x\":[1, 2]}"));
    r = post("/v1/chat", "{\"message\":\"hi\",\"collections\":[\"ops\"],\"response_format\":{\"type\":\"json_object\"}}");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"x\":[1, 2]}", JSON.readTree(r.body()).path("answer").asText(), "a JSON array is not a marker");
  }

  @Test
  void aBadSchemaIsA400PointingIntoIt() throws Exception {
    int before = upstream.requests().size();
    String bad = "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"strin\"}}}";
    HttpResponse<String> r = post("/v1/chat", "{\"message\":\"hi\",\"collections\":[\"ops\"],\"response_format\":"
        + format(bad) + "}");
    assertEquals(400, r.statusCode(), r.body());
    JsonNode b = JSON.readTree(r.body());
    assertEquals("/response_format/json_schema/schema/properties/answer/type", b.path("details").path("pointer").asText(),
        r.body());
    r = post("/v1/chat/completions", "{\"model\":\"small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
        + "\"response_format\":" + format("{\"$ref\":\"https://example.com/s.json\"}") + "}");
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("response_format.json_schema.schema.$ref", JSON.readTree(r.body()).path("error").path("param").asText(),
        r.body());
    r = post("/v1/chat/completions", "{\"model\":\"small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
        + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{}}}}");
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("response_format.json_schema.name", JSON.readTree(r.body()).path("error").path("param").asText());
    r = post("/v1/chat", "{\"message\":\"hi\",\"collections\":[\"ops\"],\"response_format\":{\"type\":\"yaml\"}}");
    assertEquals("/response_format/type", JSON.readTree(r.body()).path("details").path("pointer").asText(), r.body());
    assertEquals(before, upstream.requests().size(), "no model was called");
  }

  @Test
  void aModelWithoutTheJsonSchemaCapabilityIsRefusedByNameAndNeverCalled() throws Exception {
    int before = upstream.requests().size();
    int sessions = JSON.readTree(api.json("GET", "/v1/sessions?limit=1000", key, null).raw().body()).path("sessions").size();
    for (String model : List.of("plain", "extractive")) {
      HttpResponse<String> r = post("/v1/chat", "{\"message\":\"hi\",\"collections\":[\"ops\"],\"model\":\"" + model
          + "\",\"response_format\":" + format(SCHEMA) + "}");
      assertEquals(400, r.statusCode(), r.body());
      JsonNode b = JSON.readTree(r.body());
      assertTrue(b.path("message").asText().contains("model '" + model + "'")
          && b.path("message").asText().contains("json_schema capability"), r.body());
      assertEquals("/response_format", b.path("details").path("pointer").asText());
    }
    HttpResponse<String> r = post("/v1/chat/completions", "{\"model\":\"plain\",\"stream\":true,\"messages\":[{\"role\":"
        + "\"user\",\"content\":\"hi\"}],\"response_format\":" + format(SCHEMA) + "}");
    assertEquals(400, r.statusCode(), r.body());
    JsonNode e = JSON.readTree(r.body()).path("error");
    assertTrue(e.path("message").asText().contains("model 'plain'"), r.body());
    assertEquals("response_format", e.path("param").asText());
    assertEquals(before, upstream.requests().size(), "no model was called");
    assertEquals(sessions, JSON.readTree(api.json("GET", "/v1/sessions?limit=1000", key, null).raw().body()).path("sessions").size(),
        "a refused request starts no session");
  }

  @Test
  void theTextFormatIsNoFormat() throws Exception {
    upstream.enqueue(ScriptedReply.text("plain words"));
    HttpResponse<String> r = post("/v1/chat/completions", "{\"model\":\"plain\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"hi\"}],\"response_format\":{\"type\":\"text\"}}");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(upstream.lastRequest().json().path("response_format").isMissingNode());
    assertEquals("plain words", JSON.readTree(r.body()).path("choices").path(0).path("message").path("content").asText());
  }
}
