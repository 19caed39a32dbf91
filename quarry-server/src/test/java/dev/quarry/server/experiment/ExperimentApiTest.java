package dev.quarry.server.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.experiment.Interval;
import dev.quarry.experiment.TrafficSplit;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Experiments over HTTP, with real searches: an A/B experiment assigns 200 users stickily by the
 * published hash and split, ranks each with its arm's configuration (the same hits and fingerprint
 * as a search pinning that configuration), records impressions, takes clicks and ratings, and
 * reports per-arm numbers whose intervals are recomputed here; an interleaving experiment merges
 * two arms' rankings, names each hit's arm and credits clicks to it. Bad input is a 400 naming the
 * field; feedback on another tenant's or an unenrolled request id is a 404.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String[][] DOCS = {
      {"d01", "Tidal marshes", "Herons and egrets wade in tidal marshes at dawn, hunting fish in shallow water."},
      {"d02", "Herons", "The grey heron nests in colonies in tall trees near rivers and lakes."},
      {"d03", "Estuaries", "An estuary mixes river water with sea water; marsh grasses trap the silt."},
      {"d04", "Fishing birds", "Kingfishers dive for small fish from a perch above a stream."},
      {"d05", "Salt", "Salt marsh plants tolerate flooding by sea water twice a day."},
      {"d06", "Bread", "Sourdough bread rises slowly with a starter of flour and water."},
      {"d07", "Ovens", "A wood-fired oven bakes bread and pizza at very high heat."},
      {"d08", "Volcanoes", "Magma rises through the crust and erupts as lava from a volcano."},
      {"d09", "Lava", "Cooling lava forms basalt; slow cooling under ground forms granite."},
      {"d10", "Rivers", "Rivers carry silt to the sea and build deltas at their mouths."},
      {"d11", "Egrets", "Egrets grow white plumes in the breeding season and wade in marshes."},
      {"d12", "Flour", "Flour is milled from wheat; whole wheat flour keeps the bran."}};

  private static final String QUERY = "birds that wade in the marsh";
  private static final String ARMS = "[{\"name\":\"lexical\",\"weight\":1,\"configuration\":{\"mode\":\"lexical\"}},"
      + "{\"name\":\"vector\",\"weight\":3,\"configuration\":{\"mode\":\"vector\"}}]";

  TestApi api;
  String key;
  String rival;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start();
    key = api.tenantKey("acme", "ingest", "search");
    rival = api.tenantKey("rival", "ingest", "search");
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
  }

  private void collection(String name) throws Exception {
    assertEquals(201, api.json("PUT", "/v1/collections/" + name, key, "{}").status());
    for (String[] d : DOCS) {
      Reply r = api.json("PUT", "/v1/collections/" + name + "/documents/" + d[0], key,
          JSON.writeValueAsString(Map.of("title", d[1], "text", d[2])));
      assertEquals(200, r.status(), r.body().toString());
    }
  }

  private Reply search(String collection, String body) throws Exception {
    Reply r = api.json("POST", "/v1/collections/" + collection + "/search", key, body);
    assertEquals(200, r.status(), r.body().toString());
    return r;
  }

  private static List<String> ids(Reply r) {
    List<String> ids = new ArrayList<>();
    r.body().get("hits").forEach(h -> ids.add(h.get("id").asText()));
    return ids;
  }

  private Reply feedback(String apiKey, String body) throws Exception {
    return api.json("POST", "/v1/feedback", apiKey, body);
  }

  private static String click(String requestId, String doc) {
    return "{\"request_id\":\"" + requestId + "\",\"event\":\"click\",\"doc_id\":\"" + doc + "\"}";
  }

  @Test
  void anAbExperimentAssignsUsersStickilyRanksByTheirArmAndReportsClicksWithIntervals() throws Exception {
    collection("ab");
    Reply created = api.json("POST", "/v1/experiments", key,
        "{\"name\":\"lexical vs vector\",\"collection\":\"ab\",\"arms\":" + ARMS + "}");
    assertEquals(201, created.status(), created.body().toString());
    String id = created.body().get("id").asText();
    assertEquals("ab", created.body().get("kind").asText());
    assertEquals("user", created.body().get("assign_by").asText());
    assertEquals("running", created.body().get("state").asText());
    assertEquals("lexical", created.body().get("arms").get(0).get("configuration").get("mode").asText());
    assertEquals(409, api.json("POST", "/v1/experiments", key,
        "{\"name\":\"again\",\"collection\":\"ab\",\"arms\":" + ARMS + "}").status(), "one running per collection");

    // what each arm ranks, asked for directly: pinned ranking fields are not enrolled
    Map<String, List<String>> armHits = new HashMap<>();
    Map<String, String> armFingerprints = new HashMap<>();
    for (String mode : List.of("lexical", "vector")) {
      Reply pinned = search("ab", "{\"query\":\"" + QUERY + "\",\"mode\":\"" + mode + "\",\"user\":\"u0\"}");
      assertFalse(pinned.body().get("experiment").get("enrolled").asBoolean());
      assertTrue(pinned.body().get("experiment").get("reason").asText().contains("mode"));
      armHits.put(mode, ids(pinned));
      armFingerprints.put(mode, pinned.body().get("fingerprint").asText());
    }
    assertNotEquals(armHits.get("lexical"), armHits.get("vector"), "the arms rank differently");
    Reply anonymous = search("ab", "{\"query\":\"" + QUERY + "\"}");
    assertFalse(anonymous.body().get("experiment").get("enrolled").asBoolean());
    assertTrue(anonymous.body().get("experiment").get("reason").asText().contains("user"));
    assertEquals(404, feedback(key, click(anonymous.body().get("request_id").asText(), "d01")).status(),
        "a search that was not enrolled has no impression");

    TrafficSplit split = new TrafficSplit(List.of(new TrafficSplit.Share("lexical", 1), new TrafficSplit.Share("vector", 3)));
    Map<String, Integer> impressions = new HashMap<>();
    Map<String, Integer> clicked = new HashMap<>();
    Map<String, List<Double>> ratings = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      String user = "user-" + i;
      Reply r = search("ab", "{\"query\":\"" + QUERY + "\",\"k\":5,\"user\":\"" + user + "\"}");
      JsonNode e = r.body().get("experiment");
      String arm = e.get("arm").asText();
      assertTrue(e.get("enrolled").asBoolean());
      assertEquals(id, e.get("id").asText());
      assertEquals(split.assign(id, user), arm, "assigned by the published hash and split");
      assertEquals(armHits.get(arm).subList(0, 5), ids(r), "ranked with the arm's configuration");
      assertEquals(armFingerprints.get(arm), e.get("fingerprint").asText());
      assertEquals(armFingerprints.get(arm), r.body().get("fingerprint").asText());
      impressions.merge(arm, 1, Integer::sum);
      String requestId = r.body().get("request_id").asText();
      // lexical users click every time, vector users every third time
      if (arm.equals("lexical") || i % 3 == 0) {
        Reply c = feedback(key, click(requestId, ids(r).getFirst()));
        assertEquals(201, c.status(), c.body().toString());
        assertEquals(arm, c.body().get("arm").asText());
        clicked.merge(arm, 1, Integer::sum);
      }
      if (i % 10 == 0) {
        double stars = 1 + i % 5;
        assertEquals(201, feedback(key, "{\"request_id\":\"" + requestId + "\",\"event\":\"rating\",\"value\":" + stars
            + "}").status());
        ratings.computeIfAbsent(arm, a -> new ArrayList<>()).add(stars);
      }
      if (i < 20) {
        Reply again = search("ab", "{\"query\":\"heron nests\",\"user\":\"" + user + "\"}");
        assertEquals(arm, again.body().get("experiment").get("arm").asText(), "sticky");
        impressions.merge(arm, 1, Integer::sum);
      }
    }
    assertTrue(impressions.get("vector") > impressions.get("lexical"), "a 1:3 split: " + impressions);

    JsonNode report = api.json("GET", "/v1/experiments/" + id, key, null).body().get("report");
    for (JsonNode arm : report.get("arms")) {
      String name = arm.get("arm").asText();
      int n = impressions.get(name);
      int c = clicked.getOrDefault(name, 0);
      assertEquals(n, arm.get("impressions").asInt(), name);
      assertEquals(c, arm.get("clicks").asInt(), name);
      Interval ctr = Interval.wilson(c, n);
      assertEquals((double) c / n, arm.get("ctr").get("estimate").asDouble(), 1e-12);
      assertEquals(ctr.low(), arm.get("ctr").get("low").asDouble(), 1e-12);
      assertEquals(ctr.high(), arm.get("ctr").get("high").asDouble(), 1e-12);
      assertEquals("wilson_95", arm.get("ctr").get("method").asText());
      double[] rs = ratings.getOrDefault(name, List.of()).stream().mapToDouble(Double::doubleValue).toArray();
      assertEquals(rs.length, arm.get("ratings").asInt());
      if (rs.length > 0) {
        assertEquals(java.util.Arrays.stream(rs).average().orElseThrow(), arm.get("rating").get("estimate").asDouble(), 1e-12);
      }
      assertTrue(arm.get("dwell_ms").get("estimate").isNull(), "no dwell events: null, not NaN");
    }
    assertFalse(report.has("preference"));

    // stopped: searches are no longer enrolled, the report stays
    Reply stopped = api.json("POST", "/v1/experiments/" + id + "/stop", key, null);
    assertEquals("stopped", stopped.body().get("state").asText());
    assertFalse(search("ab", "{\"query\":\"" + QUERY + "\",\"user\":\"user-1\"}").body().has("experiment"));
    assertEquals(impressions.get("lexical"),
        api.json("GET", "/v1/experiments/" + id, key, null).body().get("report").get("arms").get(0).get("impressions").asInt());
    List<String> listed = new ArrayList<>();
    api.json("GET", "/v1/experiments", key, null).body().get("experiments").forEach(x -> listed.add(x.get("id").asText()));
    assertTrue(listed.contains(id));
    assertEquals(0, api.json("GET", "/v1/experiments", rival, null).body().get("experiments").size());
    assertEquals(404, api.json("GET", "/v1/experiments/" + id, rival, null).status());
  }

  @Test
  void interleavingMergesTwoArmsByTeamDraftAndCreditsClicksToTheContributingArm() throws Exception {
    collection("tdi");
    Reply created = api.json("POST", "/v1/experiments", key, "{\"name\":\"tdi\",\"collection\":\"tdi\","
        + "\"kind\":\"interleave\",\"assign_by\":\"session\",\"arms\":" + ARMS + "}");
    assertEquals(201, created.status(), created.body().toString());
    String id = created.body().get("id").asText();
    Reply lexical = search("tdi", "{\"query\":\"" + QUERY + "\",\"mode\":\"lexical\",\"k\":6}");
    Reply vector = search("tdi", "{\"query\":\"" + QUERY + "\",\"mode\":\"vector\",\"k\":6}");
    int wins = 0;
    int losses = 0;
    int none = 0;
    Map<String, Integer> credited = new HashMap<>();
    Set<String> firstTeams = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      Reply r = search("tdi", "{\"query\":\"" + QUERY + "\",\"k\":6,\"session_id\":\"s" + i + "\",\"user\":\"ignored\"}");
      JsonNode e = r.body().get("experiment");
      assertTrue(e.get("enrolled").asBoolean());
      assertFalse(e.has("arm"));
      assertEquals(lexical.body().get("fingerprint").asText(), e.get("fingerprints").get("lexical").asText());
      assertEquals(vector.body().get("fingerprint").asText(), e.get("fingerprints").get("vector").asText());
      List<String> hits = ids(r);
      assertEquals(6, hits.size());
      assertEquals(6, new HashSet<>(hits).size(), "no duplicates");
      int a = 0;
      int b = 0;
      List<String> teamA = new ArrayList<>();
      List<String> teamB = new ArrayList<>();
      for (JsonNode h : r.body().get("hits")) {
        String arm = h.get("arm").asText();
        if (arm.equals("lexical")) {
          a++;
          teamA.add(h.get("id").asText());
        } else {
          b++;
          teamB.add(h.get("id").asText());
        }
        assertTrue(Math.abs(a - b) <= 1, "teams take turns: " + r.body().get("hits"));
      }
      assertTrue(ids(lexical).containsAll(teamA) && ids(vector).containsAll(teamB), "each team is its arm's documents");
      firstTeams.add(r.body().get("hits").get(0).get("arm").asText());
      String requestId = r.body().get("request_id").asText();
      if (i % 4 == 3) {
        none++;
        continue;
      }
      JsonNode clickedHit = r.body().get("hits").get(i % 3);
      Reply c = feedback(key, click(requestId, clickedHit.get("id").asText()));
      assertEquals(201, c.status(), c.body().toString());
      assertEquals(clickedHit.get("arm").asText(), c.body().get("arm").asText(), "credited to its team");
      credited.merge(clickedHit.get("arm").asText(), 1, Integer::sum);
      if (clickedHit.get("arm").asText().equals("lexical")) {
        wins++;
      } else {
        losses++;
      }
    }
    assertEquals(Set.of("lexical", "vector"), firstTeams, "either team may pick first");
    JsonNode report = api.json("GET", "/v1/experiments/" + id, key, null).body().get("report");
    assertEquals(60, report.get("arms").get(0).get("impressions").asInt());
    assertEquals(credited.getOrDefault("lexical", 0), report.get("arms").get(0).get("clicks").asInt());
    assertEquals(credited.getOrDefault("vector", 0), report.get("arms").get(1).get("clicks").asInt());
    JsonNode p = report.get("preference");
    assertEquals("lexical", p.get("arm").asText());
    assertEquals(wins, p.get("wins").asInt());
    assertEquals(losses, p.get("losses").asInt());
    assertEquals(0, p.get("ties").asInt());
    assertEquals(none, p.get("no_click").asInt());
    Interval winRate = Interval.wilson(wins, wins + losses);
    assertEquals(winRate.low(), p.get("win_rate").get("low").asDouble(), 1e-12);
    assertEquals(winRate.high(), p.get("win_rate").get("high").asDouble(), 1e-12);
    api.json("POST", "/v1/experiments/" + id + "/stop", key, null);
  }

  @Test
  void feedbackIsCheckedAndAnotherTenantsRequestIdIsNotFound() throws Exception {
    collection("fb");
    String id = api.json("POST", "/v1/experiments", key, "{\"name\":\"fb\",\"collection\":\"fb\",\"arms\":" + ARMS + "}")
        .body().get("id").asText();
    Reply r = search("fb", "{\"query\":\"" + QUERY + "\",\"k\":3,\"user\":\"alice\"}");
    String requestId = r.body().get("request_id").asText();
    String doc = ids(r).getFirst();

    Reply foreign = feedback(rival, click(requestId, doc));
    Reply unknown = feedback(rival, click("no-such-request", doc));
    assertEquals(404, foreign.status());
    assertEquals(404, unknown.status());
    assertEquals(foreign.body().get("message").asText().replace(requestId, "X"),
        unknown.body().get("message").asText().replace("no-such-request", "X"),
        "another tenant's request id reads exactly as an unknown one");

    assertField(feedback(key, click(requestId, "d-not-shown")), "/doc_id");
    assertField(feedback(key, "{\"request_id\":\"" + requestId + "\",\"event\":\"like\"}"), "/event");
    assertField(feedback(key, "{\"request_id\":\"" + requestId + "\",\"event\":\"rating\",\"value\":7}"), "/value");
    assertField(feedback(key, "{\"request_id\":\"" + requestId + "\",\"event\":\"dwell\",\"doc_id\":\"" + doc
        + "\",\"value\":-5}"), "/value");
    assertField(feedback(key, "{\"request_id\":\"" + requestId + "\",\"event\":\"click\"}"), "/doc_id");
    assertField(feedback(key, "{\"event\":\"click\",\"doc_id\":\"" + doc + "\"}"), "/request_id");

    // a retried event with an Idempotency-Key counts once
    byte[] body = click(requestId, doc).getBytes(StandardCharsets.UTF_8);
    Reply first = api.call("POST", "/v1/feedback", key, "application/json", body, Map.of("Idempotency-Key", "click-1"));
    Reply replay = api.call("POST", "/v1/feedback", key, "application/json", body, Map.of("Idempotency-Key", "click-1"));
    assertEquals(201, first.status());
    assertEquals(first.body().get("id"), replay.body().get("id"));
    assertEquals(201, feedback(key, "{\"request_id\":\"" + requestId + "\",\"event\":\"dwell\",\"doc_id\":\"" + doc
        + "\",\"value\":4200}").status());
    JsonNode report = api.json("GET", "/v1/experiments/" + id, key, null).body().get("report");
    int clicks = 0;
    for (JsonNode arm : report.get("arms")) {
      clicks += arm.get("clicks").asInt();
      if (arm.get("dwells").asInt() == 1) {
        assertEquals(4200.0, arm.get("dwell_ms").get("estimate").asDouble());
        assertTrue(arm.get("dwell_ms").get("low").isNull(), "one value has no interval");
      }
    }
    assertEquals(1, clicks);
    api.json("POST", "/v1/experiments/" + id + "/stop", key, null);
  }

  @Test
  void badExperimentsAreRefusedNamingTheField() throws Exception {
    collection("bad");
    String base = "{\"name\":\"x\",\"collection\":\"bad\",";
    assertField(api.json("POST", "/v1/experiments", key, base + "\"arms\":[{\"name\":\"a\",\"weight\":0},{\"name\":\"b\"}]}"),
        "/arms/0/weight");
    assertField(api.json("POST", "/v1/experiments", key, base + "\"arms\":[{\"name\":\"a\"},{\"name\":\"a\"}]}"),
        "/arms/1/name");
    assertField(api.json("POST", "/v1/experiments", key, base + "\"arms\":[{\"name\":\"a\"}]}"), "/arms");
    assertField(api.json("POST", "/v1/experiments", key, base + "\"kind\":\"interleave\",\"arms\":[{\"name\":\"a\"},"
        + "{\"name\":\"b\"},{\"name\":\"c\"}]}"), "/arms");
    assertField(api.json("POST", "/v1/experiments", key, base + "\"kind\":\"multi\",\"arms\":[{\"name\":\"a\"},"
        + "{\"name\":\"b\"}]}"), "/kind");
    assertField(api.json("POST", "/v1/experiments", key, base + "\"arms\":[{\"name\":\"a\",\"configuration\":"
        + "{\"mode\":\"psychic\"}},{\"name\":\"b\"}]}"), "/arms/0/configuration/mode");
    assertField(api.json("POST", "/v1/experiments", key, base + "\"arms\":[{\"name\":\"a\",\"configuration\":"
        + "{\"colour\":\"red\"}},{\"name\":\"b\"}]}"), "/arms/0/configuration/colour");
    assertEquals(404, api.json("POST", "/v1/experiments", key,
        "{\"name\":\"x\",\"collection\":\"missing\",\"arms\":[{\"name\":\"a\"},{\"name\":\"b\"}]}").status());
    assertEquals(404, api.json("POST", "/v1/experiments", rival,
        "{\"name\":\"x\",\"collection\":\"bad\",\"arms\":[{\"name\":\"a\"},{\"name\":\"b\"}]}").status(),
        "another tenant's collection is not found");
    assertField(api.json("POST", "/v1/collections/bad/search", key, "{\"query\":\"q\",\"user\":\" \"}"), "/user");
  }

  @Test
  void droppingACollectionStopsItsExperiment() throws Exception {
    collection("dropped");
    String id = api.json("POST", "/v1/experiments", key, "{\"name\":\"d\",\"collection\":\"dropped\",\"arms\":"
        + ARMS + "}").body().get("id").asText();
    assertEquals(200, api.json("DELETE", "/v1/collections/dropped", key, null).status());
    assertEquals("stopped", api.json("GET", "/v1/experiments/" + id, key, null).body().get("state").asText());
    assertEquals(201, api.json("PUT", "/v1/collections/dropped", key, "{}").status());
    assertFalse(search("dropped", "{\"query\":\"q\",\"user\":\"u\"}").body().has("experiment"),
        "the collection made again has no experiment");
  }

  private static void assertField(Reply r, String pointer) {
    assertEquals(400, r.status(), r.body().toString());
    assertTrue(r.body().toString().contains(pointer), "names " + pointer + ": " + r.body());
  }
}
