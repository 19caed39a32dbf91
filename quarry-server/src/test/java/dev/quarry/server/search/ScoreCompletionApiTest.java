package dev.quarry.server.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Score completion ({@code complete}) over HTTP: a search asking for it is ranked under a
 * fingerprint of its own and its explanation marks the completed scores; rrf and learned fusion
 * refuse it at {@code /complete}; a collection's search default turns it on for searches that
 * leave it out, and a search naming its own fusion takes none of the default's completion.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScoreCompletionApiTest {

  /**
   * Two documents have words of it (a lexical list with a spread to normalise with), two have none:
   * the lexical list misses them, the vector list does not.
   */
  private static final String QUERY = "wind turbines and electricity";

  TestApi api;
  String key;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start();
    key = api.tenantKey("acme", "ingest", "search");
    for (String collection : new String[] {"docs", "defaulted", "experimented"}) {
      assertEquals(201, api.json("PUT", "/v1/collections/" + collection, key, null).status());
      upsert(collection, "d1", "{\"title\":\"Vitamin D\",\"text\":\"Vitamin D supplementation lowers the risk of bone fractures.\"}");
      upsert(collection, "d2", "{\"title\":\"Bread\",\"text\":\"Sourdough bread needs a starter of flour and water.\"}");
      upsert(collection, "d3", "{\"title\":\"Wind\",\"text\":\"Offshore wind turbines generate electricity.\"}");
      upsert(collection, "d4", "{\"title\":\"Solar\",\"text\":\"Photovoltaic panels convert sunlight into electricity.\"}");
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

  private static int completedContributions(Reply r) {
    int completed = 0;
    for (JsonNode hit : r.body().get("hits")) {
      for (JsonNode c : hit.get("explain").get("retrievers")) {
        if (c.path("completed").asBoolean()) {
          assertFalse(c.has("rank"), "a completed score has no rank: " + c);
          completed++;
        }
      }
    }
    return completed;
  }

  @Test
  void aSearchWithCompletionHasItsOwnFingerprintAndExplainMarksTheCompletedScores() throws Exception {
    Reply off = search("docs", "{\"query\":\"" + QUERY + "\",\"explain\":true}");
    Reply on = search("docs", "{\"query\":\"" + QUERY + "\",\"explain\":true,\"complete\":true}");
    assertEquals(200, on.status(), on.body().toString());
    assertNotEquals(off.body().get("fingerprint"), on.body().get("fingerprint"));
    assertTrue(on.body().get("fingerprint").asText().length() > 0);
    assertEquals(0, completedContributions(off), off.body().toString());
    assertTrue(completedContributions(on) > 0, on.body().toString());
    assertTrue(on.body().get("hits").get(0).get("explain").get("fusion").asText().contains("completed"),
        on.body().toString());
    Reply explicitOff = search("docs", "{\"query\":\"" + QUERY + "\",\"complete\":false}");
    assertEquals(off.body().get("fingerprint"), explicitOff.body().get("fingerprint"), "off is the plain search");
    Reply dbsf = search("docs", "{\"query\":\"" + QUERY + "\",\"explain\":true,\"fusion\":\"dbsf\",\"complete\":true}");
    assertEquals(200, dbsf.status(), dbsf.body().toString());
    assertTrue(completedContributions(dbsf) > 0, dbsf.body().toString());
  }

  @Test
  void completionWithRrfOrLearnedFusionIsRefusedAtComplete() throws Exception {
    for (String fusion : new String[] {"rrf", "learned"}) {
      Reply r = search("docs", "{\"query\":\"x\",\"fusion\":\"" + fusion + "\",\"complete\":true}");
      assertEquals(400, r.status(), r.body().toString());
      assertTrue(r.raw().body().contains("/complete"), r.raw().body());
      assertTrue(r.raw().body().contains("score completion applies to weighted and dbsf fusion only"), r.raw().body());
    }
    Reply defaults = api.json("PUT", "/v1/collections/docs", key, "{\"search\":{\"fusion\":\"rrf\",\"complete\":true}}");
    assertEquals(400, defaults.status(), defaults.body().toString());
    assertTrue(defaults.raw().body().contains("/search/complete"), defaults.raw().body());
  }

  @Test
  void aCollectionDefaultTurnsCompletionOnForSearchesThatLeaveItOut() throws Exception {
    Reply asked = search("defaulted", "{\"query\":\"" + QUERY + "\",\"complete\":true}");
    Reply plain = search("defaulted", "{\"query\":\"" + QUERY + "\"}");
    Reply put = api.json("PUT", "/v1/collections/defaulted", key, "{\"search\":{\"complete\":true}}");
    assertEquals(200, put.status(), put.body().toString());
    assertTrue(put.body().get("search").get("complete").asBoolean(), put.body().toString());
    Reply defaulted = search("defaulted", "{\"query\":\"" + QUERY + "\",\"explain\":true}");
    assertEquals(asked.body().get("fingerprint"), defaulted.body().get("fingerprint"));
    assertTrue(completedContributions(defaulted) > 0, defaulted.body().toString());
    Reply turnedOff = search("defaulted", "{\"query\":\"" + QUERY + "\",\"complete\":false}");
    assertEquals(plain.body().get("fingerprint"), turnedOff.body().get("fingerprint"));
    Reply rrf = search("defaulted", "{\"query\":\"" + QUERY + "\",\"fusion\":\"rrf\"}");
    assertEquals(200, rrf.status(), "a search naming its own fusion takes none of the default's completion: "
        + rrf.body());
  }

  @Test
  void anExperimentArmWithCompletionRanksAsACompletingSearchAndASearchSettingCompleteIsNotEnrolled() throws Exception {
    Reply started = api.json("POST", "/v1/experiments", key, "{\"name\":\"completion\",\"collection\":\"experimented\","
        + "\"arms\":[{\"name\":\"off\"},{\"name\":\"on\",\"configuration\":{\"complete\":true}}]}");
    assertEquals(201, started.status(), started.body().toString());
    assertTrue(started.body().get("arms").get(1).get("configuration").get("complete").asBoolean(), started.body().toString());
    Reply direct = search("experimented", "{\"query\":\"" + QUERY + "\",\"complete\":true}");
    Reply pinned = search("experimented", "{\"query\":\"" + QUERY + "\",\"complete\":false,\"user\":\"u0\"}");
    assertFalse(pinned.body().get("experiment").get("enrolled").asBoolean(), pinned.body().toString());
    assertTrue(pinned.body().get("experiment").get("reason").asText().contains("complete"), pinned.body().toString());
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
}
