package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.index.CollectionNames;
import dev.quarry.core.search.SearchRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a search hit carries ({@code include}, with a lean default), and the limits the server
 * shares with the CLI and the engine: k, collection names, and errors naming wire fields.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchResponseAndLimitsTest {

  static final String SEARCH = "/v1/collections/docs/search";
  static final String LONG_TEXT = "The lighthouse keeper lit the lamp at dusk. " + "He kept a log of every ship. ".repeat(60);

  TestApi api;
  String key;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start();
    key = api.tenantKey("acme", "ingest", "search");
    assertEquals(201, api.json("PUT", "/v1/collections/docs", key, "{}").status());
    assertEquals(200, api.json("PUT", "/v1/collections/docs/documents/d1?refresh=wait_for", key,
        "{\"title\":\"Lighthouses\",\"text\":\"" + LONG_TEXT + "\",\"metadata\":{\"lang\":\"en\"}}").status());
    assertEquals(200, api.json("PUT", "/v1/collections/docs/documents/d2?refresh=wait_for", key,
        "{\"title\":\"Bread\",\"text\":\"Sourdough bread needs a starter.\"}").status());
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
  }

  private JsonNode search(String body) throws Exception {
    TestApi.Reply r = api.json("POST", SEARCH, key, body);
    assertEquals(200, r.status(), r.body().toString());
    return r.body().get("hits");
  }

  private static List<String> fields(JsonNode hit) {
    List<String> out = new ArrayList<>();
    hit.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void aHitCarriesIdScoreChunkIdTitleSnippetAndMetadataByDefaultButNotTheWholeText() throws Exception {
    JsonNode top = search("{\"query\":\"lighthouse keeper\",\"mode\":\"lexical\"}").get(0);
    assertEquals(List.of("id", "score", "chunk_id", "title", "snippet", "metadata"), fields(top));
    assertEquals("d1", top.get("id").asText());
    assertEquals("en", top.at("/metadata/lang").asText());
    assertTrue(top.get("snippet").asText().length() < LONG_TEXT.length() / 2, top.get("snippet").asText());
  }

  @Test
  void includeChoosesTheFieldsOfEachHit() throws Exception {
    JsonNode full = search("{\"query\":\"lighthouse keeper\",\"mode\":\"lexical\",\"include\":[\"text\",\"offsets\"]}").get(0);
    assertEquals(List.of("id", "score", "text", "offsets"), fields(full));
    assertTrue(full.get("text").asText().startsWith("The lighthouse keeper"), full.toString());
    JsonNode offsets = full.get("offsets");
    assertEquals(0, offsets.get("start").asInt());
    assertTrue(offsets.get("end").asInt() > offsets.get("start").asInt(), offsets.toString());
    assertTrue(offsets.get("heading_path").isArray(), offsets.toString());
    JsonNode bare = search("{\"query\":\"bread\",\"mode\":\"lexical\",\"include\":[]}").get(0);
    assertEquals(List.of("id", "score"), fields(bare));
    TestApi.Reply bad = api.json("POST", SEARCH, key, "{\"query\":\"bread\",\"include\":[\"snippet\",\"body\"]}");
    assertEquals(400, bad.status());
    assertTrue(bad.body().get("message").asText().contains("/include"), bad.body().toString());
    assertTrue(bad.body().get("message").asText().contains("text"), "names the choices: " + bad.body());
  }

  @Test
  void kUpToTheEnginesLimitIsAcceptedByDefaultAndOneMoreIsRefused() throws Exception {
    assertEquals(2, search("{\"query\":\"lighthouse bread\",\"k\":" + SearchRequest.MAX_K + "}").size());
    TestApi.Reply over = api.json("POST", SEARCH, key, "{\"query\":\"x\",\"k\":" + (SearchRequest.MAX_K + 1) + "}");
    assertEquals(400, over.status());
    assertTrue(over.body().get("message").asText().contains("1.." + SearchRequest.MAX_K), over.body().toString());
  }

  @Test
  void collectionNamesFollowTheOneRuleOfTheCliAndTheEngine() throws Exception {
    String longest = "c".repeat(CollectionNames.MAX_LENGTH);
    assertEquals(201, api.json("PUT", "/v1/collections/" + longest, key, "{}").status());
    assertTrue(api.json("GET", "/v1/collections", key, null).body().toString().contains(longest));
    assertEquals(200, api.json("PUT", "/v1/collections/" + longest + "/documents/a?refresh=wait_for", key,
        "{\"text\":\"a long-named collection\"}").status());
    TestApi.Reply tooLong = api.json("PUT", "/v1/collections/" + longest + "c", key, "{}");
    assertEquals(400, tooLong.status());
    assertTrue(tooLong.body().get("message").asText().contains(CollectionNames.RULE), tooLong.body().toString());
  }

  @Test
  void errorMessagesNameFieldsAsTheyAreOnTheWire() throws Exception {
    String weight = api.json("POST", SEARCH, key, "{\"query\":\"x\",\"fusion\":\"weighted\",\"vector_weight\":7}")
        .body().get("message").asText();
    assertTrue(weight.contains("vector_weight must be in [0, 1]"), weight);
    assertFalse(weight.contains("vectorWeight"), weight);
    String tokens = api.json("PUT", "/v1/collections/fresh", key, "{\"chunker\":{\"max_tokens\":5}}").body().get("message").asText();
    assertTrue(tokens.contains("max_tokens must be at least 16"), tokens);
    assertFalse(tokens.contains("maxTokens"), tokens);
  }
}
