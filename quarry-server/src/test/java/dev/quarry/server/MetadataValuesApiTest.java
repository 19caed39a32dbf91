package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.server.TestApi.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Metadata through the API: values come back with the JSON type they were sent with, term and in
 * filters match numbers, dates and booleans by value (in search and in delete by filter), and an
 * erasure matches its subject whatever JSON type the value or the metadata has.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetadataValuesApiTest {

  static final Duration WAIT = Duration.ofSeconds(90);
  static final String METADATA = "{\"year\":2021,\"ratio\":2021.0,\"score\":0.5,\"big\":12345678901234567890,"
      + "\"open\":true,\"lang\":\"en\",\"at\":\"2024-05-01T10:15:30.123Z\",\"tags\":[\"a\",\"b\"]}";

  TestApi api;
  String acme;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start();
    acme = api.tenantKey("acme", "ingest", "search");
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
  }

  private void collection(String name) throws Exception {
    assertEquals(201, api.json("PUT", "/v1/collections/" + name, acme, "{}").status());
  }

  private void upsert(String collection, String id, String text, String metadata) throws Exception {
    Reply r = api.json("PUT", "/v1/collections/" + collection + "/documents/" + id, acme,
        "{\"text\":\"" + text + "\",\"metadata\":" + metadata + "}");
    assertEquals(200, r.status(), r.body().toString());
  }

  /** Each metadata value as its JSON text, so 2021 and 2021.0 differ. */
  private static Map<String, String> spelled(JsonNode metadata) {
    Map<String, String> out = new TreeMap<>();
    metadata.properties().forEach(e -> out.put(e.getKey(), e.getValue().toString()));
    return out;
  }

  private List<String> search(String collection, String filter) throws Exception {
    return api.search(acme, collection, "{\"query\":\"harbour\",\"mode\":\"lexical\",\"k\":20,\"filter\":" + filter + "}")
        .stream().sorted().toList();
  }

  @Test
  void metadataComesBackWithTheJsonTypesItWasSentWith() throws Exception {
    collection("types");
    Map<String, String> sent = spelled(TestApi.JSON.readTree(METADATA));
    upsert("types", "one", "A harbour with ships.", METADATA);
    Reply batch = api.call("POST", "/v1/collections/types/documents?refresh=wait_for", acme, "application/x-ndjson",
        "{\"_id\":\"two\",\"text\":\"Another harbour.\",\"metadata\":" + METADATA + "}\n");
    assertEquals(200, batch.status(), batch.body().toString());

    for (String id : List.of("one", "two")) {
      Reply got = api.json("GET", "/v1/collections/types/documents/" + id, acme, null);
      assertEquals(200, got.status(), got.body().toString());
      assertEquals(sent, spelled(got.body().get("metadata")), "get " + id);
    }
    Reply hits = api.json("POST", "/v1/collections/types/search", acme, "{\"query\":\"harbour\",\"mode\":\"lexical\"}");
    assertEquals(2, hits.body().get("hits").size(), hits.body().toString());
    for (JsonNode hit : hits.body().get("hits")) {
      assertEquals(sent, spelled(hit.get("metadata")), "search hit " + hit.get("id"));
    }
  }

  @Test
  void termAndInFiltersMatchNumbersDatesAndBooleansByValue() throws Exception {
    collection("years");
    upsert("years", "number", "harbour number", "{\"year\":2023,\"at\":\"2024-05-01T00:00:00.000Z\",\"open\":true}");
    upsert("years", "text", "harbour text", "{\"year\":\"2023\"}");
    upsert("years", "other", "harbour other", "{\"year\":2024,\"open\":false}");
    upsert("years", "none", "harbour none", "{}");

    for (String value : List.of("2023", "\"2023\"", "2023.0", "2.023e3")) {
      assertEquals(List.of("number", "text"), search("years", "{\"term\":{\"field\":\"year\",\"value\":" + value + "}}"),
          "year = " + value);
    }
    assertEquals(List.of("number"), search("years", "{\"range\":{\"field\":\"year\",\"gte\":2023,\"lte\":2023}}"));
    assertEquals(List.of("number"), search("years", "{\"term\":{\"field\":\"at\",\"value\":\"2024-05-01T00:00:00Z\"}}"));
    assertEquals(List.of("number"), search("years", "{\"term\":{\"field\":\"open\",\"value\":true}}"));
    assertEquals(List.of("other"), search("years", "{\"term\":{\"field\":\"open\",\"value\":\"false\"}}"));
    assertEquals(List.of("number", "other", "text"),
        search("years", "{\"in\":{\"field\":\"year\",\"values\":[2024,\"2023\",1999]}}"));
    assertEquals(List.of("none", "other"), search("years", "{\"not\":{\"term\":{\"field\":\"year\",\"value\":2023}}}"));
    assertEquals(List.of("other"), search("years",
        "{\"all_of\":[{\"not\":{\"in\":{\"field\":\"year\",\"values\":[2023]}}},{\"range\":{\"field\":\"year\",\"gt\":2000}}]}"));
  }

  @Test
  void deleteByANumericTermDeletesIndexedDocumentsAndThoseStillInIngestion() throws Exception {
    collection("purge");
    upsert("purge", "indexed-number", "harbour one", "{\"year\":2023}");
    upsert("purge", "indexed-text", "harbour two", "{\"year\":\"2023\"}");
    upsert("purge", "kept", "harbour three", "{\"year\":2022}");
    StringBuilder batch = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      batch.append("{\"_id\":\"queued-").append(i).append("\",\"text\":\"harbour queued ").append(i)
          .append("\",\"metadata\":{\"year\":").append(i % 2 == 0 ? "2023.0" : "2022").append("}}\n");
    }
    Reply accepted = api.call("POST", "/v1/collections/purge/documents", acme, "application/x-ndjson", batch.toString());
    assertEquals(202, accepted.status(), accepted.body().toString());
    // at once, while (some of) the batch is still in ingestion: those are matched on their stored content
    Reply deleted = api.json("POST", "/v1/collections/purge/deletions?refresh=wait_for", acme,
        "{\"filter\":{\"term\":{\"field\":\"year\",\"value\":2023}}}");
    assertEquals(200, deleted.status(), deleted.body().toString());
    assertEquals(12, deleted.body().get("deleted").asInt(), deleted.body().toString());
    api.awaitBody("/v1/jobs/" + accepted.body().get("id").asText(), acme,
        b -> !b.get("state").asText().equals("running"), WAIT);
    List<String> left = api.search(acme, "purge", "{\"query\":\"harbour\",\"mode\":\"lexical\",\"k\":50}");
    assertEquals(11, left.size(), left.toString());
    assertTrue(left.contains("kept") && left.stream().noneMatch(id -> id.startsWith("indexed")), left.toString());
    assertEquals(404, api.json("GET", "/v1/collections/purge/documents/queued-0", acme, null).status());
  }

  @Test
  void anErasureMatchesItsSubjectWhateverTheJsonTypeOfTheValue() throws Exception {
    collection("people");
    upsert("people", "n42", "harbour master 42", "{\"uid\":42}");
    upsert("people", "s42", "harbour master s42", "{\"uid\":\"42\"}");
    upsert("people", "n43", "harbour master 43", "{\"uid\":43}");
    upsert("people", "vip", "harbour master vip", "{\"uid\":\"u-7\",\"vip\":true}");

    assertEquals(List.of("n43", "vip"), erase("42", 2));
    upsert("people", "n42", "harbour master 42", "{\"uid\":42}");
    assertEquals(List.of("n43", "vip"), erase("\"42\"", 1));
    assertEquals(List.of("vip"), erase("43.0", 1));
    assertEquals(List.of(), eraseBy("vip", "true", 1));
  }

  private List<String> erase(String value, int expectedDeleted) throws Exception {
    return eraseBy("uid", value, expectedDeleted);
  }

  /** Erases {@code key} = {@code value} (JSON), waits for its receipt, returns what is left. */
  private List<String> eraseBy(String key, String value, int expectedDeleted) throws Exception {
    Reply receipt = api.json("POST", "/v1/erasures", acme, "{\"key\":\"" + key + "\",\"value\":" + value + "}");
    assertEquals(202, receipt.status(), receipt.body().toString());
    JsonNode done = api.awaitBody("/v1/erasures/" + receipt.body().get("id").asText(), acme,
        b -> !b.get("status").asText().equals("requested"), WAIT);
    assertEquals(expectedDeleted, done.get("documents_deleted").asInt(), value + ": " + done);
    return api.search(acme, "people", "{\"query\":\"harbour master\",\"mode\":\"lexical\",\"k\":20}")
        .stream().sorted().toList();
  }
}
