package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.server.TestApi.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The search API's {@code rerank} field, per request and as a collection default, over HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchRerankApiTest {

  TestApi api;
  String key;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start();
    key = api.tenantKey("acme", "ingest", "search");
    assertEquals(201, api.json("PUT", "/v1/collections/docs", key, null).status());
    upsert("d1", "{\"title\":\"Vitamin D\",\"text\":\"Vitamin D supplementation lowers the risk of bone fractures.\"}");
    upsert("d2", "{\"title\":\"Bread\",\"text\":\"Sourdough bread needs a starter of flour and water.\"}");
    upsert("d3", "{\"title\":\"Wind\",\"text\":\"Offshore wind turbines generate electricity.\"}");
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
  }

  private void upsert(String id, String body) throws Exception {
    Reply r = api.json("PUT", "/v1/collections/docs/documents/" + id + "?refresh=wait_for", key, body);
    assertEquals(200, r.status(), r.body().toString());
  }

  private Reply search(String body) throws Exception {
    return api.json("POST", "/v1/collections/docs/search", key, body);
  }

  @Test
  void aRequestsRerankShowsTheStageInExplain() throws Exception {
    Reply r = search("{\"query\":\"vitamins and bones\",\"explain\":true,"
        + "\"rerank\":{\"reranker\":\"e5-small-v2-q\",\"depth\":2,\"weight\":0.7}}");
    assertEquals(200, r.status(), r.body().toString());
    JsonNode hits = r.body().get("hits");
    assertEquals("d1", hits.get(0).get("id").asText());
    JsonNode stage = hits.get(0).get("explain").get("rerank");
    assertEquals("e5-small-v2-q", stage.get("reranker").asText());
    assertEquals(0.7, stage.get("weight").asDouble(), 0);
    assertTrue(stage.has("score") && stage.has("first_stage_score"), stage.toString());
    assertFalse(hits.get(2).get("explain").has("rerank"), "the third hit is below the depth");
    assertFalse(r.body().has("degraded"));
  }

  @Test
  void aCollectionDefaultRerankAppliesUntilARequestTurnsItOff() throws Exception {
    assertEquals(201, api.json("PUT", "/v1/collections/defaulted", key,
        "{\"search\":{\"rerank\":{\"reranker\":\"e5-small-v2-q\",\"depth\":5}}}").status());
    Reply r = api.json("PUT", "/v1/collections/defaulted/documents/x?refresh=wait_for", key,
        "{\"title\":\"Wind\",\"text\":\"Offshore wind turbines generate electricity.\"}");
    assertEquals(200, r.status(), r.body().toString());
    Reply on = api.json("POST", "/v1/collections/defaulted/search", key, "{\"query\":\"wind\",\"explain\":true}");
    assertEquals("e5-small-v2-q", on.body().get("hits").get(0).get("explain").get("rerank").get("reranker").asText());
    Reply off = api.json("POST", "/v1/collections/defaulted/search", key,
        "{\"query\":\"wind\",\"explain\":true,\"rerank\":{\"depth\":0}}");
    assertFalse(off.body().get("hits").get(0).get("explain").has("rerank"), off.body().toString());
  }

  @Test
  void badRerankSettingsArePointedAt() throws Exception {
    Reply weight = search("{\"query\":\"x\",\"rerank\":{\"reranker\":\"e5-small-v2-q\",\"weight\":2}}");
    assertEquals(400, weight.status());
    assertTrue(weight.body().toString().contains("/rerank/weight"), weight.body().toString());
    Reply unknown = search("{\"query\":\"x\",\"rerank\":{\"reranker\":\"colbert\"}}");
    assertEquals(400, unknown.status(), unknown.body().toString());
    assertTrue(unknown.body().toString().contains("unknown re-ranker 'colbert'"), unknown.body().toString());
  }
}
