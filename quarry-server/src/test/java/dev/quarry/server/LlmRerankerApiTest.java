package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.ModelConfig;
import dev.quarry.llm.config.Price;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.testing.RecordedRequest;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import dev.quarry.rerank.llm.LlmRerankerConfig;
import dev.quarry.runtime.AnswerSettings;
import dev.quarry.server.TestApi.Reply;
import dev.quarry.server.config.RerankersConfig;
import dev.quarry.server.config.RuntimeConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An {@code llm} re-ranker from the {@code rerankers} configuration, served: a search names it, the
 * OpenAI-compatible upstream (scripted on loopback) answers a ranking, the hits follow it, and the
 * call is charged to the searching tenant's usage and budget. An upstream error, a slow answer or
 * an answer that ranks nothing keeps the fused order, marked degraded.
 *
 * <p>The scripted upstream answers by the query in the prompt: "failing" gets HTTP 500, "slowly"
 * an answer after 5 s, "garbled" prose without a passage number; any other query the listed
 * passages reversed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LlmRerankerApiTest {

  static final String QUERY = "vitamins for bones";
  static final Pattern QUERY_LINE = Pattern.compile("Search query: (.*)");
  static final Pattern PASSAGE = Pattern.compile("(?m)^\\[(\\d+)] ");

  ScriptedOpenAiServer upstream;
  TestApi api;
  String acme;
  String globex;

  @BeforeAll
  void start() throws Exception {
    upstream = ScriptedOpenAiServer.start();
    upstream.respondWith(LlmRerankerApiTest::answer);
    LlmConfig llm = new LlmConfig(
        List.of(new ProviderConfig("up", ProviderKind.OPENAI, upstream.baseUrl(), Optional.empty(), Duration.ofSeconds(10))),
        List.of(new ModelConfig("judge", "up", "gpt-4o-mini", 8192, new Price(BigDecimal.ONE, BigDecimal.TWO),
            Set.of(ModelCapability.STREAMING, ModelCapability.JSON_SCHEMA))),
        LlmConfig.EXTRACTIVE);
    RerankersConfig rerankers = new RerankersConfig(List.of(
        new RerankersConfig.Llm("listwise", "rerankers[0]", "judge",
            new LlmRerankerConfig(3, 20, 10, 500, OptionalInt.empty(), Duration.ofSeconds(10))),
        new RerankersConfig.Llm("listwise-fast", "rerankers[1]", "judge",
            new LlmRerankerConfig(3, 20, 10, 500, OptionalInt.empty(), Duration.ofMillis(400)))));
    api = TestApi.start(c -> c.withRuntime(new RuntimeConfig(llm, AnswerSettings.DEFAULT)).withRerankers(rerankers));
    acme = api.tenantKey("acme", "ingest", "search");
    globex = api.tenantKey("globex", "ingest", "search");
    for (String key : List.of(acme, globex)) {
      assertEquals(201, api.json("PUT", "/v1/collections/docs", key, null).status());
    }
    upsert(acme, "d1", "{\"title\":\"Vitamin D\",\"text\":\"Vitamin D supplementation lowers the risk of bone fractures.\"}");
    upsert(acme, "d2", "{\"title\":\"Bread\",\"text\":\"Sourdough bread needs a starter; bread rises overnight.\"}");
    upsert(acme, "d3", "{\"title\":\"Calcium\",\"text\":\"Calcium and vitamin intake keep bones dense.\"}");
    upsert(globex, "g1", "{\"title\":\"Bones\",\"text\":\"Globex notes on vitamins and bones.\"}");
    upsert(globex, "g2", "{\"title\":\"Ships\",\"text\":\"Globex ships vitamins overseas.\"}");
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
    upstream.close();
  }

  private static ScriptedReply answer(RecordedRequest request) {
    String prompt = request.json().get("messages").get(1).get("content").asText();
    Matcher q = QUERY_LINE.matcher(prompt);
    String query = q.find() ? q.group(1) : "";
    if (query.contains("failing")) {
      return ScriptedReply.status(500);
    }
    if (query.contains("slowly")) {
      return ScriptedReply.text("{\"ranking\":[1]}").withLatency(Duration.ofSeconds(5));
    }
    if (query.contains("garbled")) {
      return ScriptedReply.text("I would rather not say.").withUsage(40, 6, 0);
    }
    List<String> numbers = new ArrayList<>();
    Matcher m = PASSAGE.matcher(prompt);
    while (m.find()) {
      numbers.addFirst(m.group(1));
    }
    return ScriptedReply.text("{\"ranking\":[" + String.join(",", numbers) + "]}").withUsage(100, 7, 0);
  }

  private void upsert(String key, String id, String body) throws Exception {
    Reply r = api.json("PUT", "/v1/collections/docs/documents/" + id + "?refresh=wait_for", key, body);
    assertEquals(200, r.status(), r.body().toString());
  }

  private Reply search(String key, String query, String reranker) throws Exception {
    String rerank = reranker == null ? "" : ",\"rerank\":{\"reranker\":\"" + reranker + "\",\"depth\":3,\"weight\":1.0}";
    Reply r = api.json("POST", "/v1/collections/docs/search", key,
        "{\"query\":\"" + query + "\",\"k\":3,\"explain\":true" + rerank + "}");
    assertEquals(200, r.status(), r.body().toString());
    return r;
  }

  private static List<String> ids(Reply r) {
    List<String> out = new ArrayList<>();
    r.body().get("hits").forEach(h -> out.add(h.get("id").asText()));
    return out;
  }

  private JsonNode judgeUsage(String key) throws Exception {
    Reply r = api.json("GET", "/v1/usage", key, null);
    assertEquals(200, r.status(), r.body().toString());
    for (JsonNode m : r.body().get("models")) {
      if (m.get("model").asText().equals("judge")) {
        return m;
      }
    }
    return null;
  }

  private static long calls(JsonNode usage) {
    return usage == null ? 0 : usage.get("calls").asLong();
  }

  @Test
  void theModelsRankingReordersTheHitsWithItsStageScoresInExplainAndIsChargedToTheTenant() throws Exception {
    List<String> fused = ids(search(acme, QUERY, null));
    assertEquals(3, fused.size());
    long before = calls(judgeUsage(acme));
    long globexBefore = calls(judgeUsage(globex));
    int requests = upstream.requestCount();
    Reply r = search(acme, QUERY, "listwise");
    assertEquals(requests + 1, upstream.requestCount(), "one window, one call");
    assertEquals(fused.reversed(), ids(r), r.body().toString());
    assertFalse(r.body().has("degraded"), r.body().toString());
    JsonNode stage = r.body().get("hits").get(0).get("explain").get("rerank");
    assertEquals("listwise", stage.get("reranker").asText());
    assertEquals(3.0, stage.get("score").asDouble(), 0, "first of three: the rank score 3 - 0");
    assertEquals(1.0, r.body().get("hits").get(2).get("explain").get("rerank").get("score").asDouble(), 0);
    JsonNode sent = upstream.lastRequest().json();
    assertEquals("json_schema", sent.get("response_format").get("type").asText(), "the model supports structured output");
    String prompt = sent.get("messages").get(1).get("content").asText();
    assertTrue(prompt.contains("Search query: " + QUERY), prompt);
    assertTrue(prompt.contains("[1] " + (fused.getFirst().equals("d1") ? "Vitamin D" : "")), prompt);
    JsonNode usage = judgeUsage(acme);
    assertEquals(before + 1, calls(usage), String.valueOf(usage));
    assertTrue(usage.get("input_tokens").asLong() >= 100, usage.toString());
    assertEquals(globexBefore, calls(judgeUsage(globex)), "another tenant is not charged");
  }

  @Test
  void anotherTenantsSearchRanksOnlyItsOwnCollectionAndIsChargedToItself() throws Exception {
    long acmeBefore = calls(judgeUsage(acme));
    long before = calls(judgeUsage(globex));
    Reply r = search(globex, QUERY + " globex", "listwise");
    assertFalse(r.body().has("degraded"), r.body().toString());
    List<String> ids = ids(r);
    assertTrue(ids.stream().allMatch(id -> id.startsWith("g")), ids.toString());
    String prompt = upstream.lastRequest().json().get("messages").get(1).get("content").asText();
    assertFalse(prompt.contains("Sourdough") || prompt.contains("Calcium"), "no passage of acme's: " + prompt);
    assertEquals(before + 1, calls(judgeUsage(globex)));
    assertEquals(acmeBefore, calls(judgeUsage(acme)));
  }

  @Test
  void anUpstreamErrorKeepsTheFusedOrderMarkedDegraded() throws Exception {
    String query = QUERY + " failing";
    List<String> fused = ids(search(acme, query, null));
    Reply r = search(acme, query, "listwise");
    assertEquals(fused, ids(r));
    String degraded = r.body().get("degraded").asText();
    assertTrue(degraded.startsWith("re-ranker 'listwise' unavailable (llm re-ranker on model 'judge' failed: "), degraded);
    assertFalse(r.body().get("hits").get(0).get("explain").has("rerank"));
  }

  @Test
  void anAnswerSlowerThanTheTimeoutKeepsTheFusedOrderMarkedDegraded() throws Exception {
    String query = QUERY + " slowly";
    List<String> fused = ids(search(acme, query, null));
    long start = System.nanoTime();
    Reply r = search(acme, query, "listwise-fast");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(fused, ids(r));
    assertEquals("re-ranker 'listwise-fast' unavailable (llm re-ranker on model 'judge' timed out after 400 ms); "
        + "fused order kept", r.body().get("degraded").asText());
    assertTrue(millis < 3_000, "the search waited " + millis + " ms, not for the upstream");
  }

  @Test
  void anAnswerThatRanksNothingKeepsTheFusedOrderMarkedDegradedAndIsStillCharged() throws Exception {
    String query = QUERY + " garbled";
    List<String> fused = ids(search(acme, query, null));
    long before = calls(judgeUsage(acme));
    Reply r = search(acme, query, "listwise");
    assertEquals(fused, ids(r));
    String degraded = r.body().get("degraded").asText();
    assertTrue(degraded.contains("answered no ranking of passages 1..3: \"I would rather not say.\""), degraded);
    assertEquals(before + 1, calls(judgeUsage(acme)), "the model was called, so the call is in the ledger");
  }

  @Test
  void aBudgetThatRefusesTheModelKeepsTheFusedOrderWithoutCallingIt() throws Exception {
    String key = api.tenantKey("initech", "ingest", "search");
    assertEquals(201, api.json("PUT", "/v1/collections/docs", key, null).status());
    upsert(key, "i1", "{\"title\":\"Bones\",\"text\":\"Initech vitamins for bones.\"}");
    upsert(key, "i2", "{\"title\":\"Vitamins\",\"text\":\"Initech vitamin tablets.\"}");
    assertEquals(200, api.json("PUT", "/v1/tenants/initech/budget", TestApi.ADMIN,
        "{\"allowed_models\": [\"another\"]}").status());
    int requests = upstream.requestCount();
    List<String> fused = ids(search(key, QUERY + " initech", null));
    Reply r = search(key, QUERY + " initech", "listwise");
    assertEquals(fused, ids(r));
    String degraded = r.body().get("degraded").asText();
    assertTrue(degraded.contains("refused by the tenant's budget: allowed_models"), degraded);
    assertEquals(requests, upstream.requestCount(), "no upstream call");
    assertNotEquals(null, r.body().get("fingerprint"));
  }
}
