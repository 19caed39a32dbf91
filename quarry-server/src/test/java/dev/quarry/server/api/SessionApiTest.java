package dev.quarry.server.api;

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
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import dev.quarry.runtime.AnswerSettings;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import dev.quarry.server.config.RuntimeConfig;
import dev.quarry.store.session.SessionPolicy;
import dev.quarry.store.session.Turn;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Chat sessions and memories over real HTTP: sessions created and continued by {@code POST
 * /v1/chat}, read, listed, deleted, erased; memories stored, recalled and cited, deleted, erased.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionApiTest {

  static final String CERTS = "Cluster certificates expire after one year. Rotate them with kubeadm certs renew before "
      + "they lapse. The renewal restarts the control plane components.";
  static final String VAULT = "The quokka vault opens at dawn. Its door weighs nine tonnes.";

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
    api = TestApi.start(c -> c.withRuntime(
        new RuntimeConfig(llm, AnswerSettings.DEFAULT, new SessionPolicy(Duration.ofHours(1), 3))));
    key = api.tenantKey("acme", "ingest", "search");
    assertEquals(201, api.json("PUT", "/v1/collections/ops", key, "{}").status());
    upsert("ops", "certs", CERTS);
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
    upstream.close();
  }

  private void upsert(String collection, String id, String text) throws Exception {
    Reply r = api.json("PUT", "/v1/collections/" + collection + "/documents/" + id, key, "{\"text\":\"" + text + "\"}");
    assertEquals(200, r.status(), r.body().toString());
  }

  private JsonNode chat(String body) throws Exception {
    Reply r = api.json("POST", "/v1/chat", key, body);
    assertEquals(200, r.status(), r.body().toString());
    return r.body();
  }

  private JsonNode session(String id, String query) throws Exception {
    Reply r = api.json("GET", "/v1/sessions/" + id + query, key, null);
    assertEquals(200, r.status(), r.body().toString());
    return r.body();
  }

  @Test
  void aChatWithoutASessionStartsOneAndAFollowUpContinuesItWithItsHistoryInThePrompt() throws Exception {
    JsonNode first = chat("{\"message\":\"When do cluster certificates expire?\",\"collections\":[\"ops\"]}");
    String id = first.get("session_id").asText();
    assertFalse(first.get("session_id").isNull());
    String firstAnswer = first.get("answer").asText();
    assertTrue(firstAnswer.contains("[1]"), firstAnswer);

    upstream.enqueue(ScriptedReply.text("how to renew cluster certificates"),
        ScriptedReply.text("Renew them with kubeadm [1].").withUsage(300, 8, 0));
    int before = upstream.requests().size();
    JsonNode second = chat("{\"message\":\"How do I renew them?\",\"session_id\":\"" + id + "\","
        + "\"collections\":[\"ops\"],\"model\":\"small\"}");
    assertEquals(id, second.get("session_id").asText());
    assertEquals("Renew them with kubeadm [1].", second.get("answer").asText());

    // the rewrite and the generation both saw the first turn, its markers removed
    assertEquals(before + 2, upstream.requests().size());
    for (int i = before; i < before + 2; i++) {
      String sent = upstream.requests().get(i).body();
      assertTrue(sent.contains("When do cluster certificates expire?"), sent);
      assertTrue(sent.contains("Cluster certificates expire after one year."), sent);
    }
    JsonNode generation = upstream.requests().get(before + 1).json();
    List<String> roles = new ArrayList<>();
    generation.get("messages").forEach(m -> roles.add(m.get("role").asText()));
    assertEquals(List.of("system", "user", "assistant", "user"), roles);
    assertFalse(generation.get("messages").get(2).get("content").asText().contains("[1]"));

    JsonNode s = session(id, "");
    assertEquals(2, s.get("turns").size());
    assertEquals("When do cluster certificates expire?", s.get("turns").get(0).get("question").asText());
    assertEquals(firstAnswer, s.get("turns").get(0).get("answer").asText());
    assertEquals("certs", s.get("turns").get(0).get("citations").get(0).get("document_id").asText());
    assertEquals("extractive", s.get("turns").get(0).get("model").asText());
    JsonNode t2 = s.get("turns").get(1);
    assertEquals("small", t2.get("model").asText());
    assertEquals(second.get("usage").get("input_tokens").asLong(), t2.get("input_tokens").asLong());
    assertEquals(second.get("usage").get("output_tokens").asLong(), t2.get("output_tokens").asLong());
    assertFalse(t2.get("redacted").asBoolean());
  }

  @Test
  void aSessionKeepsItsNewestTurnsUpToTheConfiguredMaximum() throws Exception {
    String id = chat("{\"message\":\"When do cluster certificates expire?\",\"collections\":[\"ops\"]}")
        .get("session_id").asText();
    for (String q : List.of("How do I rotate cluster certificates?", "What restarts after renewal?",
        "What does kubeadm certs renew do?")) {
      chat("{\"message\":\"" + q + "\",\"session_id\":\"" + id + "\",\"collections\":[\"ops\"]}");
    }
    JsonNode s = session(id, "");
    assertEquals(3, s.get("turns").size());
    assertEquals(2, s.get("turns").get(0).get("turn").asInt());
    assertEquals("How do I rotate cluster certificates?", s.get("turns").get(0).get("question").asText());
  }

  @Test
  void aSessionIsOnlyItsOwnUsersInItsOwnTenant() throws Exception {
    JsonNode first = chat("{\"message\":\"When do cluster certificates expire?\",\"collections\":[\"ops\"],"
        + "\"user\":\"alice\"}");
    String id = first.get("session_id").asText();
    String continued = "{\"message\":\"And then?\",\"session_id\":\"" + id + "\",\"collections\":[\"ops\"]";
    assertEquals(404, api.json("POST", "/v1/chat", key, continued + ",\"user\":\"bob\"}").status());
    assertEquals(404, api.json("POST", "/v1/chat", key, continued + "}").status());
    assertEquals(id, chat(continued + ",\"user\":\"alice\"}").get("session_id").asText());
    assertEquals(404, api.json("GET", "/v1/sessions/" + id + "?user=bob", key, null).status());
    assertEquals(404, api.json("GET", "/v1/sessions/" + id, key, null).status());
    assertEquals("alice", session(id, "?user=alice").get("user").asText());

    String rival = api.tenantKey("rival", "ingest", "search");
    assertEquals(201, api.json("PUT", "/v1/collections/ops", rival, "{}").status());
    assertEquals(404, api.json("POST", "/v1/chat", rival, continued + ",\"user\":\"alice\"}").status());
    assertEquals(404, api.json("GET", "/v1/sessions/" + id + "?user=alice", rival, null).status());
    assertEquals(404, api.json("DELETE", "/v1/sessions/" + id + "?user=alice", rival, null).status());
    assertEquals(0, api.json("GET", "/v1/sessions", rival, null).body().get("sessions").size());

    JsonNode list = api.json("GET", "/v1/sessions?user=alice", key, null).body();
    assertTrue(list.get("sessions").findValuesAsText("id").contains(id), list.toString());
    assertEquals(2, list.get("sessions").get(0).get("turns").asInt());
    assertEquals(200, api.json("DELETE", "/v1/sessions/" + id + "?user=alice", key, null).status());
    assertEquals(404, api.json("GET", "/v1/sessions/" + id + "?user=alice", key, null).status());
  }

  @Test
  void listsArePaged() throws Exception {
    for (int i = 0; i < 3; i++) {
      chat("{\"message\":\"When do cluster certificates expire?\",\"collections\":[\"ops\"],\"user\":\"pager\"}");
    }
    JsonNode page = api.json("GET", "/v1/sessions?user=pager&limit=2", key, null).body();
    assertEquals(2, page.get("sessions").size());
    JsonNode next = api.json("GET", "/v1/sessions?user=pager&limit=2&cursor=" + page.get("next_cursor").asText(),
        key, null).body();
    assertEquals(1, next.get("sessions").size());
    assertTrue(next.get("next_cursor").isNull());
    assertNotEquals(page.get("sessions").get(0).get("id"), next.get("sessions").get(0).get("id"));
  }

  @Test
  void aDeletedDocumentIsNeverCitedAgainAndItsTextLeavesTheStoredHistory() throws Exception {
    assertEquals(201, api.json("PUT", "/v1/collections/vault", key, "{}").status());
    upsert("vault", "door", VAULT);
    JsonNode first = chat("{\"message\":\"When does the quokka vault open?\",\"collections\":[\"vault\"]}");
    String id = first.get("session_id").asText();
    assertTrue(first.get("answer").asText().contains("opens at dawn"), first.toString());
    assertEquals("door", first.get("citations").get(0).get("document_id").asText());

    assertEquals(200, api.json("DELETE", "/v1/collections/vault/documents/door", key, null).status());

    JsonNode s = session(id, "");
    JsonNode turn = s.get("turns").get(0);
    assertTrue(turn.get("redacted").asBoolean());
    assertEquals(Turn.REDACTED, turn.get("answer").asText());
    assertEquals(0, turn.get("citations").size());
    assertFalse(s.toString().contains("opens at dawn"), s.toString());

    upstream.enqueue(ScriptedReply.text("when the quokka vault opens"), ScriptedReply.text("I cannot tell [1]."));
    int before = upstream.requests().size();
    JsonNode again = chat("{\"message\":\"When does it open?\",\"session_id\":\"" + id + "\","
        + "\"collections\":[\"vault\"],\"model\":\"small\"}");
    assertEquals(0, again.get("citations").size(), again.toString());
    for (int i = before; i < upstream.requests().size(); i++) {
      assertFalse(upstream.requests().get(i).body().contains("opens at dawn"), "the deleted text reached the model");
    }
  }

  @Test
  void anErasureOfAUserDeletesTheirSessionsAndCountsThem() throws Exception {
    for (String user : List.of("erin", "erin", "frank")) {
      chat("{\"message\":\"When do cluster certificates expire?\",\"collections\":[\"ops\"],\"user\":\"" + user + "\"}");
    }
    Reply e = api.json("POST", "/v1/erasures", key, "{\"key\":\"user\",\"value\":\"erin\"}");
    assertEquals(202, e.status(), e.body().toString());
    JsonNode receipt = api.awaitBody("/v1/erasures/" + e.body().get("id").asText(), key,
        b -> b.get("status").asText().equals("purged"), Duration.ofSeconds(60));
    assertEquals(2, receipt.get("sessions_deleted").asInt(), receipt.toString());
    assertEquals(0, receipt.get("memories_deleted").asInt());
    assertEquals(0, api.json("GET", "/v1/sessions?user=erin", key, null).body().get("sessions").size());
    assertEquals(1, api.json("GET", "/v1/sessions?user=frank", key, null).body().get("sessions").size());
  }

  private String remember(String user, String text) throws Exception {
    Reply r = api.json("POST", "/v1/memories", key, "{\"user\":\"" + user + "\",\"text\":\"" + text + "\","
        + "\"metadata\":{\"source\":\"onboarding\"}}");
    assertEquals(201, r.status(), r.body().toString());
    return r.body().get("id").asText();
  }

  @Test
  void aMemoryIsStoredReadListedAndDeletedInItsTenantOnly() throws Exception {
    String id = remember("mia", "Mia prefers answers in French.");
    JsonNode m = api.json("GET", "/v1/memories/" + id, key, null).body();
    assertEquals("mia", m.get("user").asText());
    assertEquals("Mia prefers answers in French.", m.get("text").asText());
    assertEquals("onboarding", m.get("metadata").get("source").asText());
    assertFalse(m.get("embedding_model").asText().isBlank());
    String second = remember("mia", "Mia runs the payments team.");
    JsonNode list = api.json("GET", "/v1/memories?user=mia", key, null).body();
    assertEquals(List.of(second, id), list.get("memories").findValuesAsText("id"));
    assertEquals(0, api.json("GET", "/v1/memories?user=nobody", key, null).body().get("memories").size());

    String rival = api.tenantKey("rival-memories", "ingest", "search");
    assertEquals(404, api.json("GET", "/v1/memories/" + id, rival, null).status());
    assertEquals(404, api.json("DELETE", "/v1/memories/" + id, rival, null).status());
    assertEquals(0, api.json("GET", "/v1/memories?user=mia", rival, null).body().get("memories").size());

    assertEquals(200, api.json("DELETE", "/v1/memories/" + id, key, null).status());
    assertEquals(404, api.json("GET", "/v1/memories/" + id, key, null).status());
  }

  @Test
  void aUsersMemoriesAreRecalledAsTheirOwnBlockAndCitedLikePassages() throws Exception {
    String text = "Olivia renews the cluster certificates of the staging cluster every spring.";
    String id = remember("olivia", text);
    JsonNode a = chat("{\"message\":\"Who renews the cluster certificates of the staging cluster?\","
        + "\"collections\":[\"ops\"],\"user\":\"olivia\"}");
    JsonNode memoryCitation = null;
    for (JsonNode c : a.get("citations")) {
      if (c.get("document_id").asText().equals(id)) {
        memoryCitation = c;
      }
    }
    assertTrue(memoryCitation != null, a.toString());
    assertTrue(memoryCitation.get("collection").isNull());
    assertEquals(text.substring(memoryCitation.get("start").asInt(), memoryCitation.get("end").asInt()),
        memoryCitation.get("quote").asText());

    // through a model: the memory is its own block of the system message; another user's question does not see it
    upstream.enqueue(ScriptedReply.text("Olivia does [1]."));
    chat("{\"message\":\"Who renews the staging certificates?\",\"collections\":[\"ops\"],\"user\":\"olivia\","
        + "\"model\":\"small\"}");
    String system = upstream.lastRequest().json().get("messages").get(0).get("content").asText();
    assertTrue(system.contains("What is known about the user"), system);
    assertTrue(system.contains(text), system);
    upstream.enqueue(ScriptedReply.text("I do not know [1]."));
    chat("{\"message\":\"Who renews the staging certificates?\",\"collections\":[\"ops\"],\"user\":\"oscar\","
        + "\"model\":\"small\"}");
    assertFalse(upstream.lastRequest().body().contains("Olivia"), "another user's memory reached the prompt");

    // deleting the memory: never cited again, and the stored answer that cited it is redacted
    String session = a.get("session_id").asText();
    assertEquals(200, api.json("DELETE", "/v1/memories/" + id, key, null).status());
    JsonNode turn = session(session, "?user=olivia").get("turns").get(0);
    assertTrue(turn.get("redacted").asBoolean(), turn.toString());
    assertFalse(turn.toString().contains("every spring"), turn.toString());
    JsonNode again = chat("{\"message\":\"Who renews the cluster certificates of the staging cluster?\","
        + "\"collections\":[\"ops\"],\"user\":\"olivia\"}");
    assertFalse(again.toString().contains(id), again.toString());
  }

  @Test
  void anErasureOfAUserDeletesTheirMemoriesAndCountsThem() throws Exception {
    remember("gina", "Gina works nights.");
    remember("gina", "Gina speaks Portuguese.");
    String kept = remember("hugo", "Hugo works days.");
    Reply e = api.json("POST", "/v1/erasures", key, "{\"key\":\"user\",\"value\":\"gina\"}");
    JsonNode receipt = api.awaitBody("/v1/erasures/" + e.body().get("id").asText(), key,
        b -> b.get("status").asText().equals("purged"), Duration.ofSeconds(60));
    assertEquals(2, receipt.get("memories_deleted").asInt(), receipt.toString());
    assertEquals(0, api.json("GET", "/v1/memories?user=gina", key, null).body().get("memories").size());
    assertEquals(200, api.json("GET", "/v1/memories/" + kept, key, null).status());
  }
}
