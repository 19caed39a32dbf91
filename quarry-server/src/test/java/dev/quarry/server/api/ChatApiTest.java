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
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import dev.quarry.llm.testing.ScriptedServer;
import dev.quarry.runtime.AnswerSettings;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import dev.quarry.server.config.RuntimeConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code POST /v1/chat} over real HTTP: extractive by default, through a scripted upstream when configured, streamed as SSE. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatApiTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String CERTS = "Cluster certificates expire after one year. Rotate them with kubeadm certs renew before "
      + "they lapse. The renewal restarts the control plane components.";
  static final String SCALING = "The horizontal pod autoscaler adds replicas when CPU load rises. It removes them again "
      + "when the load falls for five minutes.";

  ScriptedOpenAiServer upstream;
  TestApi api;
  String key;

  @BeforeAll
  void start() throws Exception {
    upstream = ScriptedOpenAiServer.start();
    LlmConfig llm = new LlmConfig(
        List.of(new ProviderConfig("up", ProviderKind.OPENAI, upstream.baseUrl(), Optional.empty(), Duration.ofSeconds(5))),
        List.of(new ModelConfig("small", "up", "llama-3.1-8b-instruct", 8192, new Price(BigDecimal.ONE, BigDecimal.TEN),
            Set.of(ModelCapability.STREAMING))), LlmConfig.EXTRACTIVE);
    api = TestApi.start(c -> c.withRuntime(new RuntimeConfig(llm, AnswerSettings.DEFAULT)));
    key = api.tenantKey("acme", "ingest", "search");
    assertEquals(201, api.json("PUT", "/v1/collections/ops", key, "{}").status());
    upsert("certs", CERTS);
    upsert("scaling", SCALING);
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
    upstream.close();
  }

  private void upsert(String id, String text) throws Exception {
    Reply r = api.json("PUT", "/v1/collections/ops/documents/" + id, key, "{\"text\":\"" + text + "\"}");
    assertEquals(200, r.status(), r.body().toString());
  }

  private Reply chat(String body) throws Exception {
    return api.json("POST", "/v1/chat", key, body);
  }

  @Test
  void answersExtractivelyByDefaultWithCitationsQuotedAtTheirOffsets() throws Exception {
    Reply r = chat("{\"message\":\"When do cluster certificates expire?\",\"collections\":[\"ops\"]}");
    assertEquals(200, r.status(), r.body().toString());
    JsonNode b = r.body();
    assertTrue(b.get("answer").asText().startsWith("Cluster certificates expire after one year. [1]"), b.toString());
    assertEquals("extractive", b.get("model").asText());
    JsonNode c = b.get("citations").get(0);
    assertEquals(1, c.get("id").asInt());
    assertEquals("ops", c.get("collection").asText());
    assertEquals("certs", c.get("document_id").asText());
    assertEquals(0, c.get("chunk").asInt());
    String stored = api.json("GET", "/v1/collections/ops/documents/certs", key, null).body().get("text").asText();
    for (JsonNode citation : b.get("citations")) {
      String text = citation.get("document_id").asText().equals("certs") ? stored : SCALING;
      assertEquals(citation.get("quote").asText(),
          text.substring(citation.get("start").asInt(), citation.get("end").asInt()), citation.toString());
    }
    assertFalse(b.get("session_id").isNull(), "every answer is a turn of a session");
    assertEquals(0, b.get("usage").get("cost").decimalValue().signum());
    assertTrue(b.get("usage").get("input_tokens").asLong() > 0);
    List<String> stages = new ArrayList<>();
    b.get("timings").fieldNames().forEachRemaining(stages::add);
    assertEquals(List.of("rewrite_ms", "retrieve_ms", "assemble_ms", "generate_ms", "cite_ms"), stages);
    assertEquals(0, b.get("degraded").size());
    assertTrue(b.get("generations").get("ops").asLong() > 0);
  }

  @Test
  void aConfiguredModelAnswersThroughItsUpstreamAndReportsUsageAndCost() throws Exception {
    upstream.enqueue(ScriptedReply.text("They expire after one year [1]", " and renew with kubeadm [1][5].")
        .withUsage(1000, 100, 0));
    Reply r = chat("{\"messages\":[{\"role\":\"user\",\"content\":\"When do cluster certificates expire?\"}],"
        + "\"collections\":[\"ops\"],\"model\":\"small\",\"k\":3,\"max_tokens\":200,\"temperature\":0.2}");
    assertEquals(200, r.status(), r.body().toString());
    JsonNode b = r.body();
    assertEquals("They expire after one year [1] and renew with kubeadm [1].", b.get("answer").asText());
    assertEquals("small", b.get("model").asText());
    assertEquals(1000, b.get("usage").get("input_tokens").asLong());
    assertEquals(0, new BigDecimal("0.002").compareTo(b.get("usage").get("cost").decimalValue()));
    JsonNode sent = upstream.lastRequest().json();
    assertEquals(200, sent.get("max_tokens").asInt());
    assertEquals("llama-3.1-8b-instruct", sent.get("model").asText());
    String metrics = api.metrics();
    assertTrue(metrics.contains("quarry_answer_citations_removed_total "), metrics);
    assertTrue(metrics.contains("gen_ai_client_token_usage_count{gen_ai_operation_name=\"chat\","
        + "gen_ai_request_model=\"small\",gen_ai_token_type=\"input\"}"), metrics);
    assertFalse(metrics.contains("quarry_stage_duration_seconds_count{stage=\"generate\"} 0"), metrics);
  }

  @Test
  void badRequestsAreRefusedWithWhereTheyWentWrong() throws Exception {
    assertProblem(400, "/messages/1", chat("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},"
        + "{\"role\":\"assistant\",\"content\":\"b\"}],\"collections\":[\"ops\"]}"));
    assertProblem(400, "/messages/0/role", chat("{\"messages\":[{\"role\":\"wizard\",\"content\":\"a\"}],"
        + "\"collections\":[\"ops\"]}"));
    assertProblem(400, "", chat("{\"message\":\"a\",\"messages\":[],\"collections\":[\"ops\"]}"));
    assertProblem(400, "/collections", chat("{\"message\":\"a\",\"collections\":[]}"));
    assertProblem(400, "/k", chat("{\"message\":\"a\",\"collections\":[\"ops\"],\"k\":0}"));
    assertProblem(400, "/timeout_ms", chat("{\"message\":\"a\",\"collections\":[\"ops\"],\"timeout_ms\":99999999}"));
    assertEquals(404, chat("{\"message\":\"a\",\"collections\":[\"nope\"]}").status());
    Reply model = chat("{\"message\":\"a\",\"collections\":[\"ops\"],\"model\":\"gpt-9\"}");
    assertEquals(404, model.status());
    assertTrue(model.body().get("message").asText().contains("[extractive, small]"), model.body().toString());
  }

  private static void assertProblem(int status, String pointer, Reply r) {
    assertEquals(status, r.status(), r.body().toString());
    assertEquals(pointer, r.body().get("details").get("pointer").asText(), r.body().toString());
  }

  @Test
  void aStreamedAnswerSendsTheCitationsThenTheTextThenUsageAndTimings() throws Exception {
    upstream.enqueue(ScriptedReply.text("Certificates ", "expire after ", "one year [1].").withUsage(50, 6, 0));
    List<String[]> events = new ArrayList<>();
    try (Socket s = open("{\"message\":\"When do cluster certificates expire?\",\"collections\":[\"ops\"],"
        + "\"model\":\"small\",\"stream\":true}")) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String status = in.readLine();
      assertTrue(status.contains(" 200 "), status);
      String line;
      String event = null;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          events.add(new String[] {event, line.substring(6)});
          if (event.equals("done") || event.equals("error")) {
            break;
          }
        }
      }
    }
    assertEquals("citations", events.getFirst()[0]);
    assertEquals("certs", JSON.readTree(events.getFirst()[1]).get("passages").get(0).get("document_id").asText());
    StringBuilder text = new StringBuilder();
    for (String[] e : events.subList(1, events.size() - 1)) {
      assertEquals("delta", e[0]);
      text.append(JSON.readTree(e[1]).get("text").asText());
    }
    String[] last = events.getLast();
    assertEquals("done", last[0], last[1]);
    JsonNode done = JSON.readTree(last[1]);
    assertEquals("Certificates expire after one year [1].", done.get("answer").asText());
    assertEquals(done.get("answer").asText(), text.toString());
    assertEquals(6, done.get("usage").get("output_tokens").asLong());
    assertTrue(done.get("timings").has("generate_ms"));
    assertFalse(done.get("request_id").asText().isEmpty());
  }

  @Test
  void aClientThatGoesAwayMidStreamReleasesTheUpstreamConnectionWithin100Ms() throws Exception {
    String[] tokens = new String[400];
    java.util.Arrays.fill(tokens, "word ");
    upstream.enqueue(ScriptedReply.text(tokens).withTokensPerSecond(50));
    long closedAt;
    try (Socket s = open("{\"message\":\"When do cluster certificates expire?\",\"collections\":[\"ops\"],"
        + "\"model\":\"small\",\"stream\":true}")) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("event: delta")) {
        // read up to the first text
      }
      closedAt = System.nanoTime();
    }
    ScriptedServer.Abandoned a = upstream.awaitAbandoned(Duration.ofSeconds(5)).orElseThrow(
        () -> new AssertionError("the upstream never saw the connection closed"));
    long ms = (a.nanoTime() - closedAt) / 1_000_000;
    assertTrue(ms <= 100, "the upstream saw its connection closed " + ms + " ms after the client left");
    assertTrue(a.tokensSent() < 100, "sent " + a.tokensSent() + " tokens");
  }

  /** A raw HTTP/1.1 request on a socket, so the test can walk away mid-response. */
  private Socket open(String body) throws Exception {
    Socket s = new Socket("127.0.0.1", port());
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    OutputStream out = s.getOutputStream();
    out.write(("POST /v1/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
        + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8));
    out.write(bytes);
    out.flush();
    return s;
  }

  private int port() {
    return api.port();
  }
}
