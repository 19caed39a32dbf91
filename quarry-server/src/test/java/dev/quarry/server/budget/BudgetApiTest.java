package dev.quarry.server.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import dev.quarry.runtime.AnswerSettings;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import dev.quarry.server.config.RuntimeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Budgets and the ledger over real HTTP on the embedded SQLite store, against a scripted upstream on
 * loopback: the floor, a stream cut when its budget runs out, the limits that do not reset, the
 * ledger in {@code GET /v1/usage} and the metrics.
 */
class BudgetApiTest {

  ScriptedOpenAiServer upstream;
  TestApi api;
  String key;

  @BeforeEach
  void start() throws Exception {
    upstream = ScriptedOpenAiServer.start();
    api = TestApi.start(c -> c.withRuntime(new RuntimeConfig(BudgetFloor.llm(upstream), AnswerSettings.DEFAULT)));
    key = api.tenantKey("acme", "search");
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
    upstream.close();
  }

  Reply putBudget(String tenant, String body) throws Exception {
    return api.json("PUT", "/v1/tenants/" + tenant + "/budget", TestApi.ADMIN, body);
  }

  HttpResponse<String> complete(String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port()
            + "/v1/chat/completions")).header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void fiftyParallelCallsAgainstABudgetForTenSpendAtMostTheBudget() throws Exception {
    long budget = BudgetFloor.ALLOWED * BudgetFloor.worstCase();
    assertEquals(200, putBudget("acme", "{\"tokens_per_day\":" + budget + "}").status());
    upstream.respondByDefault(BudgetFloor.reply());
    List<BudgetFloor.Outcome> outcomes = BudgetFloor.run(List.of(api.port()), key);
    JsonNode usage = api.json("GET", "/v1/usage", key, null).body();
    BudgetFloor.check(outcomes, usage, budget, upstream.requests().size());
    JsonNode windows = api.json("GET", "/v1/budget", key, null).body().get("windows");
    assertEquals(budget, windows.get("day").get("tokens").asLong(), "the window holds what was spent, nothing reserved");
    String metrics = api.metrics();
    assertTrue(metrics.contains("quarry_llm_tokens_total{tenant=\"acme\",model=\"small\",type=\"output\"} "
        + BudgetFloor.ALLOWED * BudgetFloor.MAX_TOKENS), metrics);
    assertTrue(metrics.contains("quarry_budget_refusals_total{tenant=\"acme\",budget=\"tokens_per_day\"} "
        + (BudgetFloor.REQUESTS - BudgetFloor.ALLOWED)), metrics);
  }

  @Test
  void aRefusalSaysWhichBudgetAndWhenItResets() throws Exception {
    assertEquals(200, putBudget("acme", "{\"tokens_per_day\": 10, \"cost_per_month\": 1.5}").status());
    HttpResponse<String> r = complete("{\"model\":\"small\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
        + "\"content\":\"hello\"}]}");
    assertEquals(429, r.statusCode(), r.body());
    JsonNode error = BudgetFloor.JSON.readTree(r.body()).get("error");
    assertEquals("budget_exceeded", error.get("code").asText(), r.body());
    assertTrue(error.get("message").asText().contains("tokens_per_day"), r.body());
    Instant midnight = LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    long retry = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(Math.abs(Instant.now().plusSeconds(retry).getEpochSecond() - midnight.getEpochSecond()) <= 5,
        "Retry-After points at the next UTC midnight: " + retry);
    assertEquals(0, upstream.requests().size());

    Reply own = api.json("GET", "/v1/budget", key, null);
    assertEquals(10, own.body().get("budget").get("tokens_per_day").asLong());
    assertEquals("1.5", own.body().get("budget").get("cost_per_month").asText());
    assertEquals(midnight.toString(), own.body().get("windows").get("day").get("reset_at").asText());
  }

  @Test
  void theLimitsThatDoNotResetRefuseWithout() throws Exception {
    assertEquals(200, putBudget("acme", "{\"max_tokens_per_request\": 8, \"allowed_models\": [\"small\"]}").status());
    HttpResponse<String> big = complete("{\"model\":\"small\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\","
        + "\"content\":\"hello\"}]}");
    assertEquals(429, big.statusCode(), big.body());
    assertTrue(big.body().contains("max_tokens_per_request"), big.body());
    assertTrue(big.headers().firstValue("Retry-After").isEmpty());
    upstream.enqueue(ScriptedReply.text("hi").withUsage(3, 1, 0));
    HttpResponse<String> capped = complete("{\"model\":\"small\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
    assertEquals(200, capped.statusCode(), capped.body());
    assertEquals(8, upstream.lastRequest().json().get("max_tokens").asInt(), "a request without max_tokens gets the limit");
    assertEquals(200, putBudget("acme", "{\"allowed_models\": [\"another\"]}").status());
    HttpResponse<String> other = complete("{\"model\":\"small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertEquals(429, other.statusCode());
    assertTrue(other.body().contains("allowed_models") && other.body().contains("[another]"), other.body());
  }

  @Test
  void aStreamIsCutWhenItsBudgetRunsOutAndTheCallIsRecordedAsCut() throws Exception {
    // an upstream that ignores max_tokens: 600 one-token pieces
    String[] tokens = new String[600];
    java.util.Arrays.fill(tokens, " the");
    upstream.enqueue(ScriptedReply.text(tokens).withoutUsage());
    long prompt = dev.quarry.llm.TokenCounter.forModel(BudgetFloor.UPSTREAM_MODEL)
        .countPrompt(List.of(dev.quarry.core.chat.ChatMessage.user("go on")));
    long budget = prompt + 16 + 300; // the first reservation and one more step of 256, not two
    assertEquals(200, putBudget("acme", "{\"tokens_per_day\":" + budget + "}").status());
    HttpResponse<String> r = complete("{\"model\":\"small\",\"max_tokens\":16,\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"go on\"}]}");
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains("budget_exceeded") && r.body().contains("the stream was cut"), r.body());
    long streamed = r.body().lines().filter(l -> l.contains("\"delta\":{\"content\":\" the\"}")).count();
    assertEquals(16 + 256, streamed, "the stream got what was reserved for it, then was cut");
    JsonNode small = api.json("GET", "/v1/usage", key, null).body().get("models").get(0);
    assertEquals(16 + 256 + 1, small.get("output_tokens").asLong(),
        "the piece that found the budget empty was generated (and is billed) but not passed on");
    assertTrue(small.get("input_tokens").asLong() + small.get("output_tokens").asLong() <= budget);
  }

  @Test
  void chatCallsAreRecordedWithTheirSessionAndCostPerModelPerDay() throws Exception {
    assertEquals(201, api.json("PUT", "/v1/collections/docs", api.key("acme", "ingest"), "{}").status());
    upstream.enqueue(ScriptedReply.text("An answer.").withUsage(1_000_000, 500_000, 0));
    Reply chat = api.json("POST", "/v1/chat", key, "{\"message\":\"what is new?\",\"collections\":[\"docs\"],"
        + "\"model\":\"small\"}");
    assertEquals(200, chat.status(), chat.body().toString());
    JsonNode usage = api.json("GET", "/v1/usage", key, null).body();
    JsonNode small = usage.get("models").get(0);
    assertEquals(1, small.get("calls").asLong());
    assertEquals(1_000_000, small.get("input_tokens").asLong());
    assertEquals("2", small.get("cost").asText(), "1M input at 1 + 0.5M output at 2");
    JsonNode today = usage.get("days").get(usage.get("days").size() - 1);
    assertEquals("small", today.get("models").get(0).get("model").asText());
    assertTrue(today.has("searches"), "the day keeps its metered counts");
  }

  @Test
  void budgetsAreTheOperatorsToSetAndATenantsAdminToRead() throws Exception {
    String admin = api.key("acme", "admin");
    assertEquals(403, api.json("PUT", "/v1/tenants/acme/budget", admin, "{}").status());
    assertEquals(200, api.json("GET", "/v1/tenants/acme/budget", admin, null).status());
    Reply bad = putBudget("acme", "{\"tokens_per_day\": -1}");
    assertEquals(400, bad.status());
    assertEquals("/tokens_per_day", bad.body().get("details").get("pointer").asText(), bad.body().toString());
    Reply names = putBudget("acme", "{\"allowed_tools\": [\"search\", \" \"]}");
    assertEquals("/allowed_tools/1", names.body().get("details").get("pointer").asText());
    assertEquals(404, putBudget("nobody", "{}").status());
    assertEquals(404, api.json("DELETE", "/v1/tenants/acme/budget", TestApi.ADMIN, null).status());
    assertEquals(200, putBudget("acme", "{}").status());
    assertEquals(200, api.json("DELETE", "/v1/tenants/acme/budget", TestApi.ADMIN, null).status());
    assertTrue(api.json("GET", "/v1/budget", key, null).body().get("budget").isNull());
  }
}
