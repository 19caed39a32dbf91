package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.server.TestApi.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every endpoint of the API, called with another tenant's key on acme's collection, document, job
 * and erasure ids: nothing of acme's leaks (no acme id or text in any answer) and nothing of acme's
 * changes. The endpoints are taken from the served OpenAPI document, which the drift test keeps
 * equal to the router's routes, so a new endpoint is covered the day it is added.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationTest {

  static final String SECRET = "zanzibarquokka";

  TestApi api;
  String acme;
  String globex;
  String job;
  String erasure;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start();
    acme = api.tenantKey("acme", "ingest", "search");
    globex = api.tenantKey("globex", "ingest", "search");
    assertEquals(201, api.json("PUT", "/v1/collections/vault", acme, "{}").status());
    String lines = "{\"_id\":\"acme-doc\",\"title\":\"Plans\",\"text\":\"The " + SECRET + " plan for next year.\","
        + "\"metadata\":{\"owner\":\"acme-owner\"}}\n"
        + "{\"_id\":\"acme-other\",\"text\":\"Another " + SECRET + " note.\",\"metadata\":{\"owner\":\"someone\"}}\n";
    Reply batch = api.call("POST", "/v1/collections/vault/documents?refresh=wait_for", acme, "application/x-ndjson", lines);
    assertEquals(200, batch.status(), batch.body().toString());
    job = batch.body().get("id").asText();
    Reply e = api.json("POST", "/v1/erasures", acme, "{\"key\":\"owner\",\"value\":\"nobody-" + SECRET + "\"}");
    assertEquals(202, e.status());
    erasure = e.body().get("id").asText();
    // acme's query is now in the caches
    assertEquals(2, api.search(acme, "vault", "{\"query\":\"" + SECRET + " plan\",\"k\":5}").size());
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
  }

  @Test
  void noEndpointLetsAnotherTenantSeeOrChangeAcmesData() throws Exception {
    JsonNode doc = api.document("/v1/openapi.json");
    List<String> probed = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
      if (path.getKey().equals("/v1/openapi.json")) {
        continue; // the public API description itself
      }
      for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
        String method = methods.next().toUpperCase(java.util.Locale.ROOT);
        if (!List.of("GET", "PUT", "POST", "DELETE").contains(method)) {
          continue;
        }
        String uri = path.getKey().replace("{collection}", "vault").replace("{id}", "acme-doc")
            .replace("{job}", job).replace("{erasure}", erasure).replace("{tenant}", "acme");
        Reply r = send(method, uri, bodyFor(method, path.getKey()));
        probed.add(method + " " + path.getKey() + " -> " + r.status());
        String text = r.raw().body();
        // acme's data that globex never sends (an error may echo what the caller sent: its own input)
        List<String> leaks = new ArrayList<>(List.of("plan for next year", "acme-other", "someone"));
        if (r.status() < 300) {
          leaks.addAll(List.of(job, erasure)); // a success never names acme's job or erasure
        }
        for (String leak : leaks) {
          assertFalse(text.contains(leak), method + " " + uri + " leaked '" + leak + "': " + text);
        }
      }
    }
    assertTrue(probed.size() >= 20, "the API document lists the endpoints: " + probed);

    // acme's data is intact: every document, the job and the erasure, and its search results
    Reply collection = api.json("GET", "/v1/collections/vault", acme, null);
    assertEquals(200, collection.status(), String.join("\n", probed));
    assertEquals(2, collection.body().get("documents").asInt(), String.join("\n", probed));
    assertEquals(200, api.json("GET", "/v1/collections/vault/documents/acme-doc", acme, null).status());
    assertEquals(200, api.json("GET", "/v1/jobs/" + job, acme, null).status());
    assertEquals(200, api.json("GET", "/v1/erasures/" + erasure, acme, null).status());
    assertEquals(List.of("acme-doc", "acme-other").stream().sorted().toList(),
        api.search(acme, "vault", "{\"query\":\"" + SECRET + " plan\",\"k\":5}").stream().sorted().toList());
  }

  @Test
  void aSameNamedCollectionOfAnotherTenantSharesNothingNotEvenCachedResults() throws Exception {
    // the other test may already have made globex's own "vault" while probing
    assertTrue(List.of(200, 201).contains(api.json("PUT", "/v1/collections/vault", globex, "{}").status()));
    assertEquals(200, api.json("PUT", "/v1/collections/vault/documents/g1", globex,
        "{\"text\":\"globex keeps a list of ferries\",\"metadata\":{\"owner\":\"acme-owner\"}}").status());
    String query = "{\"query\":\"" + SECRET + " plan\",\"k\":5}";
    assertEquals(List.of("g1"), api.search(globex, "vault", query));
    assertEquals(List.of("g1"), api.search(globex, "vault",
        "{\"query\":\"" + SECRET + "\",\"filter\":{\"term\":{\"field\":\"owner\",\"value\":\"acme-owner\"}}}"));
    Reply deleted = api.json("POST", "/v1/collections/vault/deletions", globex,
        "{\"filter\":{\"term\":{\"field\":\"owner\",\"value\":\"acme-owner\"}}}");
    assertEquals(1, deleted.body().get("deleted").asInt());
    assertEquals(200, api.json("GET", "/v1/collections/vault/documents/acme-doc", acme, null).status());
    assertEquals(404, api.json("GET", "/v1/collections/vault/documents/acme-doc", globex, null).status());
    JsonNode globexErasure = api.awaitBody("/v1/erasures/" + api.json("POST", "/v1/erasures", globex,
            "{\"key\":\"owner\",\"value\":\"acme-owner\"}").body().get("id").asText(), globex,
        b -> b.get("status").asText().equals("purged"), Duration.ofSeconds(60));
    assertEquals(0, globexErasure.get("documents_deleted").asInt());
    assertEquals(2, api.search(acme, "vault", query).size(), "globex's erasure does not touch acme");
  }

  private Reply send(String method, String uri, String body) throws Exception {
    if (body == null) {
      return api.call(method, uri, globex, null, (byte[]) null, Map.of());
    }
    String type = uri.endsWith("/documents") && method.equals("POST") ? "application/x-ndjson" : "application/json";
    return api.call(method, uri, globex, type, body);
  }

  /** A well-formed body for each kind of route, aimed at acme's data. */
  private static String bodyFor(String method, String template) {
    if (method.equals("GET") || method.equals("DELETE")) {
      return null;
    }
    if (template.endsWith("/search")) {
      return "{\"query\":\"" + SECRET + "\",\"k\":10}";
    }
    if (template.endsWith("/deletions")) {
      return "{\"filter\":{\"term\":{\"field\":\"owner\",\"value\":\"acme-owner\"}}}";
    }
    if (template.endsWith("/documents") && method.equals("POST")) {
      return "{\"_id\":\"acme-doc\",\"text\":\"overwritten by globex\"}\n";
    }
    if (template.endsWith("/documents/{id}")) {
      return "{\"text\":\"overwritten by globex\"}";
    }
    if (template.equals("/v1/chat")) {
      return "{\"message\":\"What is the " + SECRET + " plan?\",\"collections\":[\"vault\"]}";
    }
    if (template.equals("/v1/erasures")) {
      return "{\"key\":\"owner\",\"value\":\"acme-owner\"}";
    }
    if (template.equals("/v1/tenants")) {
      return "{\"id\":\"acme\"}";
    }
    if (template.endsWith("/keys")) {
      return "{\"scopes\":[\"search\"]}";
    }
    return "{}";
  }
}
