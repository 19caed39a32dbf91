package dev.quarry.server.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Vector pseudo-relevance feedback ({@code feedback}) over HTTP: a search asking for it is ranked
 * under a fingerprint of its own and its explanation says so, {@code docs} 0 is the plain search;
 * bad values are refused at their field; a collection's search default turns it on for searches
 * that leave it out, answers too; an experiment arm carries it, and a search setting it is not
 * enrolled; the filter holds on the second search.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VectorFeedbackApiTest {

  private static final String QUERY = "wind turbines and electricity";

  TestApi api;
  String key;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start();
    key = api.tenantKey("acme", "ingest", "search");
    for (String collection : new String[] {"docs", "defaulted", "experimented", "answered"}) {
      assertEquals(201, api.json("PUT", "/v1/collections/" + collection, key, null).status());
      upsert(collection, "d1", "{\"title\":\"Vitamin D\",\"text\":\"Vitamin D supplementation lowers the risk of bone fractures.\",\"metadata\":{\"topic\":\"health\"}}");
      upsert(collection, "d2", "{\"title\":\"Bread\",\"text\":\"Sourdough bread needs a starter of flour and water.\",\"metadata\":{\"topic\":\"food\"}}");
      upsert(collection, "d3", "{\"title\":\"Wind\",\"text\":\"Offshore wind turbines generate electricity.\",\"metadata\":{\"topic\":\"energy\"}}");
      upsert(collection, "d4", "{\"title\":\"Solar\",\"text\":\"Photovoltaic panels convert sunlight into electricity.\",\"metadata\":{\"topic\":\"energy\"}}");
    }
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
  }

  private void upsert(String collection, String id, String body) throws Exception {
    Reply r = api.json("PUT", "/v1/collections/" + collection + "/documents/" + id + "?refresh=wait_for", key, body);
    assertEquals(200, r.status(), r.body().toString());
  }

  private Reply search(String collection, String body) throws Exception {
    return api.json("POST", "/v1/collections/" + collection + "/search", key, body);
  }

  @Test
  void aSearchWithFeedbackHasItsOwnFingerprintAndExplainSaysSo() throws Exception {
    Reply off = search("docs", "{\"query\":\"" + QUERY + "\",\"explain\":true}");
    Reply on = search("docs", "{\"query\":\"" + QUERY + "\",\"explain\":true,\"feedback\":{\"docs\":2,\"weight\":0.5}}");
    assertEquals(200, on.status(), on.body().toString());
    assertNotEquals(off.body().get("fingerprint"), on.body().get("fingerprint"));
    String fusion = on.body().get("hits").get(0).get("explain").get("fusion").asText();
    assertTrue(fusion.contains("vector feedback(docs=2, weight=0.5)"), fusion);
    assertFalse(off.body().get("hits").get(0).get("explain").get("fusion").asText().contains("feedback"));
    Reply defaults = search("docs", "{\"query\":\"" + QUERY + "\",\"explain\":true,\"feedback\":{}}");
    assertTrue(defaults.body().get("hits").get(0).get("explain").get("fusion").asText()
        .contains("vector feedback(docs=5, weight=1.0)"), defaults.body().toString());
    Reply zero = search("docs", "{\"query\":\"" + QUERY + "\",\"feedback\":{\"docs\":0}}");
    assertEquals(off.body().get("fingerprint"), zero.body().get("fingerprint"), "docs 0 is the plain search");
    Reply lexical = search("docs", "{\"query\":\"" + QUERY + "\",\"mode\":\"lexical\",\"feedback\":{\"docs\":2}}");
    Reply lexicalOff = search("docs", "{\"query\":\"" + QUERY + "\",\"mode\":\"lexical\"}");
    assertEquals(lexicalOff.body().get("fingerprint"), lexical.body().get("fingerprint"), "lexical has no vector to refine");
  }

  @Test
  void theFilterHoldsOnTheSecondSearch() throws Exception {
    for (String mode : new String[] {"vector", "hybrid"}) {
      Reply r = search("docs", "{\"query\":\"bone fractures\",\"mode\":\"" + mode + "\",\"k\":4,"
          + "\"filter\":{\"term\":{\"field\":\"topic\",\"value\":\"energy\"}},\"feedback\":{\"docs\":2}}");
      assertEquals(200, r.status(), r.body().toString());
      assertEquals(2, r.body().get("hits").size(), r.body().toString());
      for (JsonNode hit : r.body().get("hits")) {
        assertTrue(hit.get("id").asText().equals("d3") || hit.get("id").asText().equals("d4"), r.body().toString());
      }
    }
  }

  @Test
  void badValuesAreRefusedAtTheirField() throws Exception {
    String[][] cases = {
        {"{\"docs\":-1}", "/feedback/docs"},
        {"{\"docs\":101}", "/feedback/docs"},
        {"{\"weight\":0}", "/feedback/weight"},
        {"{\"weight\":11}", "/feedback/weight"}};
    for (String[] c : cases) {
      Reply r = search("docs", "{\"query\":\"x\",\"feedback\":" + c[0] + "}");
      assertEquals(400, r.status(), c[0] + ": " + r.body());
      assertTrue(r.raw().body().contains(c[1]), r.raw().body());
    }
    Reply defaults = api.json("PUT", "/v1/collections/docs", key, "{\"search\":{\"feedback\":{\"weight\":-1}}}");
    assertEquals(400, defaults.status(), defaults.body().toString());
    assertTrue(defaults.raw().body().contains("/search/feedback/weight"), defaults.raw().body());
  }

  @Test
  void aCollectionDefaultTurnsFeedbackOnForSearchesThatLeaveItOut() throws Exception {
    Reply asked = search("defaulted", "{\"query\":\"" + QUERY + "\",\"feedback\":{\"docs\":3,\"weight\":0.5}}");
    Reply plain = search("defaulted", "{\"query\":\"" + QUERY + "\"}");
    Reply put = api.json("PUT", "/v1/collections/defaulted", key, "{\"search\":{\"feedback\":{\"docs\":3,\"weight\":0.5}}}");
    assertEquals(200, put.status(), put.body().toString());
    assertEquals(3, put.body().get("search").get("feedback").get("docs").asInt(), put.body().toString());
    Reply defaulted = search("defaulted", "{\"query\":\"" + QUERY + "\"}");
    assertEquals(asked.body().get("fingerprint"), defaulted.body().get("fingerprint"));
    Reply turnedOff = search("defaulted", "{\"query\":\"" + QUERY + "\",\"feedback\":{\"docs\":0}}");
    assertEquals(plain.body().get("fingerprint"), turnedOff.body().get("fingerprint"));
  }

  @Test
  void anExperimentArmWithFeedbackRanksAsAFeedbackSearchAndASearchSettingFeedbackIsNotEnrolled() throws Exception {
    Reply started = api.json("POST", "/v1/experiments", key, "{\"name\":\"prf\",\"collection\":\"experimented\","
        + "\"arms\":[{\"name\":\"off\"},{\"name\":\"on\",\"configuration\":{\"feedback\":{\"docs\":3}}}]}");
    assertEquals(201, started.status(), started.body().toString());
    assertEquals(3, started.body().get("arms").get(1).get("configuration").get("feedback").get("docs").asInt(),
        started.body().toString());
    Reply direct = search("experimented", "{\"query\":\"" + QUERY + "\",\"feedback\":{\"docs\":3}}");
    Reply pinned = search("experimented", "{\"query\":\"" + QUERY + "\",\"feedback\":{\"docs\":0},\"user\":\"u0\"}");
    assertFalse(pinned.body().get("experiment").get("enrolled").asBoolean(), pinned.body().toString());
    assertTrue(pinned.body().get("experiment").get("reason").asText().contains("feedback"), pinned.body().toString());
    String armFingerprint = null;
    for (int u = 0; u < 50 && armFingerprint == null; u++) {
      JsonNode e = search("experimented", "{\"query\":\"" + QUERY + "\",\"user\":\"u" + u + "\"}").body().get("experiment");
      assertTrue(e.get("enrolled").asBoolean(), e.toString());
      if (e.get("arm").asText().equals("on")) {
        armFingerprint = e.get("fingerprint").asText();
      }
    }
    assertEquals(direct.body().get("fingerprint").asText(), armFingerprint, "one of 50 users lands in arm 'on'");
    assertEquals(200, api.json("POST", "/v1/experiments/" + started.body().get("id").asText() + "/stop", key, null).status());
  }

  /** The fingerprint of a streamed extractive answer from {@code collection} (its {@code done} event). */
  private String answerFingerprint(String collection) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/chat"))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"wind electricity\",\"k\":3,\"stream\":true,"
            + "\"collections\":[\"" + collection + "\"]}"))
        .timeout(Duration.ofSeconds(60)).build();
    HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    String event = null;
    for (String line : r.body().split("\n")) {
      if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ") && "done".equals(event)) {
        return new ObjectMapper().readTree(line.substring(6)).get("fingerprint").asText();
      }
    }
    throw new AssertionError("no done event: " + r.body());
  }

  @Test
  void anAnswerFollowsTheCollectionsDefaultFeedbackAndItsFingerprintSaysSo() throws Exception {
    String plain = answerFingerprint("answered");
    assertEquals(200, api.json("PUT", "/v1/collections/answered", key, "{\"search\":{\"feedback\":{\"docs\":2}}}").status());
    String withFeedback = answerFingerprint("answered");
    assertNotEquals(plain, withFeedback);
    assertEquals(200, api.json("PUT", "/v1/collections/answered", key, "{\"search\":{\"feedback\":{\"docs\":0}}}").status());
    assertEquals(plain, answerFingerprint("answered"));
  }
}
