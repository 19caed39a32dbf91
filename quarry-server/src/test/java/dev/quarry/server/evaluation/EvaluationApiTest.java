package dev.quarry.server.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.eval.metric.BeirMetrics;
import dev.quarry.eval.metric.Judgments;
import dev.quarry.eval.metric.Ranking;
import dev.quarry.eval.metric.ScoredDoc;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Judgment sets and evaluation jobs over HTTP: a set uploaded in BEIR and in TREC format is the
 * same set (same fingerprint); an evaluation of two configurations reports, for each, the metrics
 * that the search API's own rankings of the same configuration score (recomputed here from {@code
 * POST .../search} with quarry-eval's trec_eval-agreeing metrics), the search's fingerprint, and
 * wins, losses and a p-value against the baseline that agree with its per-query values. Bad input
 * is a 400 naming the field.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluationApiTest {

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

  private static final Map<String, String> QUERIES = new LinkedHashMap<>(Map.of(
      "q1", "birds that wade in the marsh", "q2", "how is bread baked", "q3", "where does lava come from",
      "q4", "river silt and sea water", "q5", "white plumes of egrets", "q6", "nesting colonies near lakes"));

  private static final String[][] QRELS = {
      {"q1", "d01", "2"}, {"q1", "d11", "1"}, {"q2", "d06", "1"}, {"q2", "d07", "2"}, {"q3", "d08", "2"},
      {"q3", "d09", "1"}, {"q4", "d03", "2"}, {"q4", "d10", "1"}, {"q5", "d11", "2"}, {"q6", "d02", "1"},
      {"q6", "d12", "0"}};

  TestApi api;
  String key;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start();
    key = api.tenantKey("acme", "ingest", "search");
    assertEquals(201, api.json("PUT", "/v1/collections/birds", key, "{}").status());
    for (String[] d : DOCS) {
      Reply r = api.json("PUT", "/v1/collections/birds/documents/" + d[0], key,
          JSON.writeValueAsString(Map.of("title", d[1], "text", d[2])));
      assertEquals(200, r.status(), r.body().toString());
    }
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
  }

  private String beirQueries() throws Exception {
    StringBuilder b = new StringBuilder();
    for (var q : QUERIES.entrySet()) {
      b.append(JSON.writeValueAsString(Map.of("_id", q.getKey(), "text", q.getValue()))).append('\n');
    }
    return b.toString();
  }

  private Reply putBeir(String name) throws Exception {
    StringBuilder qrels = new StringBuilder("query-id\tcorpus-id\tscore\n");
    for (String[] q : QRELS) {
      qrels.append(q[0]).append('\t').append(q[1]).append('\t').append(q[2]).append('\n');
    }
    return api.json("PUT", "/v1/judgments/" + name, key,
        JSON.writeValueAsString(Map.of("format", "beir", "queries", beirQueries(), "qrels", qrels.toString())));
  }

  @Test
  void aSetUploadedAsBeirOrTrecIsTheSameSetAndBadInputNamesTheField() throws Exception {
    Reply beir = putBeir("birds-beir");
    assertEquals(200, beir.status(), beir.body().toString());
    assertEquals(6, beir.body().get("queries").asInt());
    assertEquals(QRELS.length, beir.body().get("judgments").asInt());
    StringBuilder topics = new StringBuilder();
    QUERIES.forEach((id, text) -> topics.append(id).append('\t').append(text).append('\n'));
    StringBuilder qrels = new StringBuilder();
    for (String[] q : QRELS) {
      qrels.append(q[0]).append(" 0 ").append(q[1]).append(' ').append(q[2]).append('\n');
    }
    Reply trec = api.json("PUT", "/v1/judgments/birds-trec", key,
        JSON.writeValueAsString(Map.of("format", "trec", "queries", topics.toString(), "qrels", qrels.toString())));
    assertEquals(200, trec.status(), trec.body().toString());
    assertEquals(beir.body().get("fingerprint"), trec.body().get("fingerprint"), "the same judgments, whatever the format");
    assertEquals(200, api.json("GET", "/v1/judgments/birds-trec", key, null).status());
    assertTrue(api.json("GET", "/v1/judgments", key, null).body().get("judgments").size() >= 2);

    Reply badFormat = api.json("PUT", "/v1/judgments/x", key, "{\"format\":\"csv\",\"queries\":{},\"qrels\":\"\"}");
    assertEquals(400, badFormat.status());
    assertTrue(badFormat.raw().body().contains("/format"), badFormat.raw().body());
    Reply unknownQuery = api.json("PUT", "/v1/judgments/x", key,
        "{\"format\":\"trec\",\"queries\":{\"q1\":\"tea\"},\"qrels\":\"q9 0 d1 1\\n\"}");
    assertEquals(400, unknownQuery.status());
    assertTrue(unknownQuery.raw().body().contains("q9"), unknownQuery.raw().body());
    Reply badLine = api.json("PUT", "/v1/judgments/x", key,
        "{\"format\":\"beir\",\"queries\":{\"q1\":\"tea\"},\"qrels\":\"q1\\td1\\tvery\\n\"}");
    assertEquals(400, badLine.status());
    assertTrue(badLine.raw().body().contains("line 1"), badLine.raw().body());
    assertEquals(404, api.json("GET", "/v1/judgments/x", key, null).status());
    assertEquals(200, api.json("DELETE", "/v1/judgments/birds-trec", key, null).status());
    assertEquals(404, api.json("GET", "/v1/judgments/birds-trec", key, null).status());
  }

  @Test
  void anEvaluationReportsWhatTheSearchApiRanksWithFingerprintsWinsLossesAndAPValue() throws Exception {
    assertEquals(200, putBeir("birds").status());
    String configurations = "[{\"name\":\"bm25\",\"mode\":\"lexical\"},"
        + "{\"name\":\"hybrid\",\"mode\":\"hybrid\",\"fusion\":\"weighted\",\"vector_weight\":0.6}]";
    Reply created = api.json("POST", "/v1/evaluations", key, "{\"collection\":\"birds\",\"judgments\":\"birds\","
        + "\"configurations\":" + configurations + ",\"baseline\":\"bm25\",\"trials\":2000}");
    assertEquals(202, created.status(), created.body().toString());
    assertEquals("queued", created.body().get("state").asText());
    String id = created.body().get("id").asText();
    JsonNode done = api.awaitBody("/v1/evaluations/" + id, key,
        b -> b.get("state").asText().equals("succeeded") || b.get("state").asText().equals("failed"), Duration.ofMinutes(2));
    assertEquals("succeeded", done.get("state").asText(), done.toString());
    JsonNode result = done.get("result");
    assertEquals(6, result.get("queries").asInt());

    Map<String, String> modes = Map.of("bm25", "lexical", "hybrid", "hybrid");
    for (JsonNode c : result.get("configurations")) {
      String name = c.get("name").asText();
      List<BeirMetrics> perQuery = new ArrayList<>();
      String fingerprint = null;
      for (var q : QUERIES.entrySet()) {
        Reply search = api.json("POST", "/v1/collections/birds/search", key, JSON.writeValueAsString(Map.of(
            "query", q.getValue(), "mode", modes.get(name), "k", 100, "include", List.of())));
        assertEquals(200, search.status(), search.body().toString());
        fingerprint = search.body().get("fingerprint").asText();
        List<ScoredDoc> hits = new ArrayList<>();
        search.body().get("hits").forEach(h -> hits.add(new ScoredDoc(h.get("id").asText(), h.get("score").asDouble())));
        Map<String, Integer> grades = new LinkedHashMap<>();
        for (String[] j : QRELS) {
          if (j[0].equals(q.getKey())) {
            grades.put(j[1], Integer.parseInt(j[2]));
          }
        }
        BeirMetrics m = BeirMetrics.of(Ranking.of(hits), Judgments.of(grades));
        perQuery.add(m);
        assertEquals(m.ndcgAt10(), result.get("ndcg@10_per_query").get(q.getKey()).get(name).asDouble(), 1e-9,
            name + " " + q.getKey());
      }
      assertEquals(fingerprint, c.get("fingerprint").asText(), name + ": the job ranks as the search API does");
      BeirMetrics mean = BeirMetrics.mean(perQuery);
      mean.byName().forEach((metric, value) ->
          assertEquals(value, c.get("metrics").get(metric).asDouble(), 1e-9, name + " " + metric));
    }

    JsonNode hybrid = result.get("configurations").get(1);
    JsonNode vs = hybrid.get("vs_baseline").get("ndcg@10");
    int won = 0;
    int lost = 0;
    for (var q : QUERIES.keySet()) {
      double d = result.get("ndcg@10_per_query").get(q).get("hybrid").asDouble()
          - result.get("ndcg@10_per_query").get(q).get("bm25").asDouble();
      won += d > 1e-9 ? 1 : 0;
      lost += d < -1e-9 ? 1 : 0;
    }
    assertEquals(won, vs.get("wins").asInt());
    assertEquals(lost, vs.get("losses").asInt());
    assertEquals(won, hybrid.get("won").size());
    assertEquals(lost, hybrid.get("lost").size());
    double p = vs.get("p_value").asDouble();
    assertTrue(p > 0 && p <= 1, "p = " + p);
    assertTrue(!result.get("configurations").get(0).has("vs_baseline"), "the baseline is not compared with itself");
    assertTrue(api.json("GET", "/v1/evaluations", key, null).body().get("evaluations").size() >= 1);
  }

  @Test
  void anEvaluationWithScoreCompletionRunsUnderTheFingerprintItsSearchesReport() throws Exception {
    assertEquals(200, putBeir("birds-complete").status());
    Reply created = api.json("POST", "/v1/evaluations", key, "{\"collection\":\"birds\",\"judgments\":\"birds-complete\","
        + "\"configurations\":[{\"name\":\"off\"},{\"name\":\"on\",\"complete\":true}],\"trials\":200}");
    assertEquals(202, created.status(), created.body().toString());
    JsonNode done = api.awaitBody("/v1/evaluations/" + created.body().get("id").asText(), key,
        b -> b.get("state").asText().equals("succeeded") || b.get("state").asText().equals("failed"), Duration.ofMinutes(2));
    assertEquals("succeeded", done.get("state").asText(), done.toString());
    JsonNode off = done.get("result").get("configurations").get(0);
    JsonNode on = done.get("result").get("configurations").get(1);
    assertFalse(off.get("settings").get("complete").asBoolean(), off.toString());
    assertTrue(on.get("settings").get("complete").asBoolean(), on.toString());
    assertNotEquals(off.get("fingerprint"), on.get("fingerprint"));
    Reply search = api.json("POST", "/v1/collections/birds/search", key,
        "{\"query\":\"" + QUERIES.get("q1") + "\",\"k\":100,\"complete\":true}");
    assertEquals(on.get("fingerprint").asText(), search.body().get("fingerprint").asText(),
        "the job ranks as the search API does with completion");
    assertTrue(on.get("metrics").get("ndcg@10").asDouble() > 0, on.toString());

    Reply rrf = api.json("POST", "/v1/evaluations", key, "{\"collection\":\"birds\",\"judgments\":\"birds-complete\","
        + "\"configurations\":[{\"name\":\"a\",\"fusion\":\"rrf\",\"complete\":true}]}");
    assertEquals(400, rrf.status());
    assertTrue(rrf.raw().body().contains("/configurations/0/complete"), rrf.raw().body());
  }

  @Test
  void badEvaluationsAreRefusedNamingTheField() throws Exception {
    assertEquals(200, putBeir("birds-2").status());
    Reply badMode = api.json("POST", "/v1/evaluations", key, "{\"collection\":\"birds\",\"judgments\":\"birds-2\","
        + "\"configurations\":[{\"name\":\"a\"},{\"name\":\"b\",\"mode\":\"semantic\"}]}");
    assertEquals(400, badMode.status());
    assertTrue(badMode.raw().body().contains("/configurations/1/mode"), badMode.raw().body());
    Reply twice = api.json("POST", "/v1/evaluations", key, "{\"collection\":\"birds\",\"judgments\":\"birds-2\","
        + "\"configurations\":[{\"name\":\"a\"},{\"name\":\"a\"}]}");
    assertEquals(400, twice.status());
    Reply noCollection = api.json("POST", "/v1/evaluations", key, "{\"collection\":\"nope\",\"judgments\":\"birds-2\","
        + "\"configurations\":[{\"name\":\"a\"}]}");
    assertEquals(404, noCollection.status());
    Reply noSet = api.json("POST", "/v1/evaluations", key, "{\"collection\":\"birds\",\"judgments\":\"nope\","
        + "\"configurations\":[{\"name\":\"a\"}]}");
    assertEquals(404, noSet.status());
  }
}
