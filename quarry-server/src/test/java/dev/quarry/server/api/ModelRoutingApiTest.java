package dev.quarry.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.ModelConfig;
import dev.quarry.llm.config.Price;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.config.ResilienceConfig;
import dev.quarry.llm.config.RouteConfig;
import dev.quarry.llm.config.RouteStrategy;
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
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Routes over real HTTP: a route is a model of the OpenAI-compatible API, a primary failing 30% of
 * calls never shows a client a 5xx, the breakers are in {@code GET /v1/models/status} and the
 * metrics, a stream cut after its first token ends in an error event with its partial usage, and a
 * cost cap no model meets is a 400 naming why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelRoutingApiTest {

  static final ObjectMapper JSON = new ObjectMapper();

  ScriptedOpenAiServer primary;
  ScriptedOpenAiServer backup;
  TestApi api;
  String key;

  @BeforeAll
  void start() throws Exception {
    primary = ScriptedOpenAiServer.start();
    backup = ScriptedOpenAiServer.start();
    backup.respondByDefault(ScriptedReply.text("from ", "backup"));
    Set<ModelCapability> streaming = Set.of(ModelCapability.STREAMING);
    LlmConfig llm = new LlmConfig(
        List.of(new ProviderConfig("a", ProviderKind.OPENAI, primary.baseUrl(), Optional.empty(), Duration.ofSeconds(5)),
            new ProviderConfig("b", ProviderKind.OPENAI, backup.baseUrl(), Optional.empty(), Duration.ofSeconds(5))),
        List.of(new ModelConfig("primary", "a", "gpt-4o-mini", 8192, new Price(BigDecimal.ONE, BigDecimal.TEN), streaming),
            new ModelConfig("backup", "b", "gpt-4o-mini", 8192, new Price(BigDecimal.TEN, BigDecimal.TEN), streaming)),
        List.of(new RouteConfig("chain", List.of("primary", "backup"), RouteStrategy.ORDERED)), "chain",
        new ResilienceConfig(Duration.ofSeconds(5), 2, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(50),
            20, 10, 25, Duration.ofMillis(200), 3));
    api = TestApi.start(c -> c.withRuntime(new RuntimeConfig(llm, AnswerSettings.DEFAULT)));
    key = api.tenantKey("acme", "search");
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
    primary.close();
    backup.close();
  }

  static String completion(String model, String extra) {
    return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say something\"}]" + extra + "}";
  }

  @Test
  void aRouteIsAModelAndAFlakyPrimaryNeverShowsAClientA5xx() throws Exception {
    JsonNode models = api.json("GET", "/v1/models", key, null).body();
    List<String> ids = StreamSupport.stream(models.get("data").spliterator(), false).map(m -> m.get("id").asText()).toList();
    assertTrue(ids.containsAll(List.of("primary", "backup", "chain")), ids.toString());

    Random random = new Random(7);
    primary.respondWith(r -> random.nextDouble() < 0.3 ? ScriptedReply.status(500) : ScriptedReply.text("from ", "primary"));
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Reply r = api.json("POST", "/v1/chat/completions", key, completion("chain", ""));
      statuses.add(r.status());
      if (r.status() == 200) {
        assertTrue(r.body().at("/choices/0/message/content").asText().startsWith("from "), r.body().toString());
      }
    }
    assertTrue(statuses.stream().allMatch(s -> s == 200), "every request answered: " + statuses);

    JsonNode status = api.json("GET", "/v1/models/status", key, null).body();
    JsonNode first = status.at("/models/0");
    assertEquals("primary", first.get("name").asText());
    assertTrue(Set.of("closed", "open", "half_open").contains(first.at("/breaker/state").asText()), first.toString());
    assertTrue(first.at("/breaker/buffered_calls").asInt() > 0, first.toString());
    assertEquals("chain", status.at("/routes/0/name").asText());
    assertEquals(List.of("primary", "backup"), StreamSupport.stream(status.at("/routes/0/models").spliterator(), false)
        .map(JsonNode::asText).toList());
    String metrics = api.metrics();
    assertTrue(metrics.contains("quarry_llm_breaker_state{model=\"primary\",state=\"closed\"}"), "breaker gauges");
    assertTrue(metrics.contains("quarry_llm_breaker_failure_rate{model=\"backup\"}"), "failure-rate gauges");
    primary.respondWith(r -> ScriptedReply.text("from ", "primary"));
  }

  @Test
  void aStreamCutAfterItsFirstTokenEndsWithItsUsageAndAnErrorEventAndIsNotRetried() throws Exception {
    backup.enqueue(ScriptedReply.text("from ", "backup", " again").cutAfter(1).withoutUsage());
    int before = backup.requestCount();
    HttpResponse<String> r;
    try (HttpClient http = HttpClient.newHttpClient()) {
      r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/chat/completions"))
          .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(
              completion("backup", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"))).build(),
          HttpResponse.BodyHandlers.ofString());
    }
    assertEquals(200, r.statusCode());
    String body = r.body();
    List<String> events = body.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    assertTrue(events.get(1).contains("\"content\":\"from \""), body);
    JsonNode usage = JSON.readTree(events.get(events.size() - 2));
    assertTrue(usage.at("/usage/completion_tokens").asInt() >= 1, "the partial usage, counted: " + body);
    JsonNode error = JSON.readTree(events.getLast());
    assertEquals("upstream_unavailable", error.at("/error/code").asText(), body);
    assertTrue(events.stream().noneMatch(e -> e.equals("[DONE]")), "no [DONE] after a failure: " + body);
    assertEquals(before + 1, backup.requestCount(), "not retried");
  }

  @Test
  void aCostCapNoModelMeetsIsRefusedNamingWhyEachWasSkipped() throws Exception {
    Reply r = api.json("POST", "/v1/chat/completions", key, completion("chain", ",\"max_tokens\":1000,\"max_cost\":0.0001"));
    assertEquals(400, r.status(), r.raw().body());
    String message = r.body().at("/error/message").asText();
    assertTrue(message.startsWith("route chain: no model can serve this request: primary: its worst case ("), message);
    assertTrue(message.contains("; backup: its worst case ("), message);

    assertEquals(400, api.json("POST", "/v1/chat/completions", key, completion("chain", ",\"max_cost\":-1")).status());
    Reply chat = api.json("POST", "/v1/chat", key, "{\"message\":\"hi\",\"collections\":[],\"max_cost\":-1}");
    assertEquals(400, chat.status(), chat.raw().body());
  }
}
