package dev.quarry.server.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.search.FusionModel;
import dev.quarry.engine.collection.FusionModelFile;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fusion {@code learned} over HTTP: refused with a clear 400 while the collection has no model;
 * once a model is stored beside the collection's index ({@code quarry tune} writes it), a search
 * asking for it (or a collection whose search default is learned) ranks by it, under a
 * fingerprint of its own.
 */
class LearnedFusionApiTest {

  @Test
  void learnedFusionUsesTheCollectionsStoredModel() throws Exception {
    try (TestApi api = TestApi.start()) {
      String acme = api.tenantKey("acme", "ingest", "search", "admin");
      assertEquals(201, api.json("PUT", "/v1/collections/docs", acme, "{}").status());
      String[][] docs = {{"a", "walrus colony on the ice shelf"}, {"b", "walrus walrus tusks and whiskers"},
          {"c", "penguins on the ice"}};
      for (String[] d : docs) {
        assertEquals(200, api.json("PUT", "/v1/collections/docs/documents/" + d[0], acme,
            "{\"text\":\"" + d[1] + "\"}").status());
      }
      String learned = "{\"query\":\"walrus ice\",\"fusion\":\"learned\"}";
      Reply refused = api.json("POST", "/v1/collections/docs/search", acme, learned);
      assertEquals(400, refused.status(), refused.body().toString());
      assertTrue(refused.body().toString().contains("has no learned fusion model"), refused.body().toString());

      // a model that ranks by the lexical list alone
      FusionModelFile.write(api.dataDir().resolve("collections").resolve("acme--docs"),
          new FusionModel(List.of("lexical_minmax"), List.of(1.0), 100, "judgments"), Map.of());
      api.restart();
      List<String> lexical = api.search(acme, "docs", "{\"query\":\"walrus ice\",\"mode\":\"lexical\"}");
      assertEquals(lexical.subList(0, 2), api.search(acme, "docs", learned).subList(0, 2));
      Reply withModel = api.json("POST", "/v1/collections/docs/search", acme, learned);
      Reply byDefault = api.json("POST", "/v1/collections/docs/search", acme, "{\"query\":\"walrus ice\"}");
      assertNotEquals(byDefault.body().get("fingerprint"), withModel.body().get("fingerprint"));

      // learned as the collection's default: a search naming no fusion uses it
      assertEquals(200, api.json("PUT", "/v1/collections/docs", acme, "{\"search\":{\"fusion\":\"learned\"}}").status());
      Reply defaulted = api.json("POST", "/v1/collections/docs/search", acme, "{\"query\":\"walrus ice\"}");
      assertEquals(withModel.body().get("fingerprint"), defaulted.body().get("fingerprint"));
    }
  }
}
