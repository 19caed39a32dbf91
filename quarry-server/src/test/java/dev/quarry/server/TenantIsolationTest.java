package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.server.TestApi.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every endpoint of the API, called with a key of another tenant (globex) of each scope on acme's
 * collection, document, job, erasure, key and tenant ids. The endpoints are taken from the served
 * OpenAPI document, which the drift test keeps equal to the router's routes, so a new endpoint is
 * covered the day it is added; the operator routes are among them.
 *
 * <p>Each probe must be refused (403 when the key lacks the route's scope or the route names a
 * tenant, else 404: acme's ids are nobody's in globex), unless the route acts in the caller's own
 * tenant without naming any of acme's resources (a list, or creating globex's own collection of
 * the same name). No answer may hold acme's data, and acme's state, read before and after every
 * probe (its tenants' list, keys, collections, every document's version and text, jobs, erasures
 * chat sessions, memories, judgment sets, evaluations, experiments with their reports, and search results), must not change: a cross-tenant write is seen, not only a leak.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationTest {

  static final String SECRET = "zanzibarquokka";
  /** acme's tokens per day, a number no other response holds. */
  static final long BUDGET = 987_654_321L;
  static final String COLLECTION = "vault";
  static final String TOOL = "acme-tool";

  TestApi api;
  String acme;
  String acmeAdmin;
  String acmeKeyId;
  /** globex's keys by the scopes they hold: one per scope, and one with all three. */
  final Map<String, String> globexKeys = new LinkedHashMap<>();
  String globex;
  String job;
  String erasure;
  String session;
  String memory;
  String evaluation;
  String experiment;
  /** The request id of acme's search enrolled in its experiment (an impression with a click). */
  String impression;
  static final String JUDGMENTS = "acme-judgments";
  static final String JUDGMENTS_BODY = "{\"format\":\"trec\",\"queries\":{\"q1\":\"" + SECRET + " plan\"},"
      + "\"qrels\":\"q1 0 acme-doc 1\\n\"}";

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start();
    JsonNode acmeIssued = createTenantWithKey("acme", "ingest", "search");
    acme = acmeIssued.get("key").asText();
    acmeKeyId = acmeIssued.get("id").asText();
    acmeAdmin = api.key("acme", "admin");
    assertEquals(201, api.json("POST", "/v1/tenants", TestApi.ADMIN, "{\"id\":\"globex\"}").status());
    for (String scope : List.of("admin", "ingest", "search")) {
      globexKeys.put(scope, api.key("globex", scope));
    }
    globex = api.key("globex", "admin", "ingest", "search");
    globexKeys.put("admin+ingest+search", globex);

    assertEquals(201, api.json("PUT", "/v1/collections/" + COLLECTION, acme, "{}").status());
    String lines = "{\"_id\":\"acme-doc\",\"title\":\"Plans\",\"text\":\"The " + SECRET + " plan for next year.\","
        + "\"metadata\":{\"owner\":\"acme-owner\"}}\n"
        + "{\"_id\":\"acme-other\",\"text\":\"Another " + SECRET + " note.\",\"metadata\":{\"owner\":\"someone\"}}\n";
    Reply batch = api.call("POST", "/v1/collections/" + COLLECTION + "/documents?refresh=wait_for", acme,
        "application/x-ndjson", lines);
    assertEquals(200, batch.status(), batch.body().toString());
    job = batch.body().get("id").asText();
    // a second version of one document, so that a probe resetting it would be seen
    assertEquals(200, api.json("PUT", "/v1/collections/" + COLLECTION + "/documents/acme-doc", acme,
        "{\"title\":\"Plans\",\"text\":\"The " + SECRET + " plan for next year, revised.\",\"metadata\":{\"owner\":\"acme-owner\"}}")
        .status());
    Reply e = api.json("POST", "/v1/erasures", acme, "{\"key\":\"owner\",\"value\":\"nobody-" + SECRET + "\"}");
    assertEquals(202, e.status());
    erasure = e.body().get("id").asText();
    // acme's state must stand still while probed: its erasure done, its job stamped as finished
    api.awaitBody("/v1/erasures/" + erasure, acme, b -> b.get("status").asText().equals("purged"), Duration.ofSeconds(60));
    api.awaitBody("/v1/jobs/" + job, acme, b -> !b.get("finished_at").isNull(), Duration.ofSeconds(60));
    // a session of acme's end user, with a turn quoting acme's document
    Reply chat = api.json("POST", "/v1/chat", acme, "{\"message\":\"What is the " + SECRET + " plan?\","
        + "\"collections\":[\"" + COLLECTION + "\"],\"user\":\"acme-user\"}");
    assertEquals(200, chat.status(), chat.body().toString());
    session = chat.body().get("session_id").asText();
    Reply remembered = api.json("POST", "/v1/memories", acme, "{\"user\":\"acme-user\",\"text\":\"The acme-user's "
        + SECRET + " memory.\",\"metadata\":{\"owner\":\"someone\"}}");
    assertEquals(201, remembered.status(), remembered.body().toString());
    memory = remembered.body().get("id").asText();
    // a judgment set of acme's, and a finished evaluation of its collection against it
    assertEquals(200, api.json("PUT", "/v1/judgments/" + JUDGMENTS, acme, JUDGMENTS_BODY).status());
    Reply evaluated = api.json("POST", "/v1/evaluations", acme, "{\"collection\":\"" + COLLECTION + "\",\"judgments\":\""
        + JUDGMENTS + "\",\"configurations\":[{\"name\":\"default\"}]}");
    assertEquals(202, evaluated.status(), evaluated.body().toString());
    evaluation = evaluated.body().get("id").asText();
    api.awaitBody("/v1/evaluations/" + evaluation, acme, b -> b.get("state").asText().equals("succeeded"),
        Duration.ofSeconds(60));
    // an experiment on acme's collection, with an enrolled search of acme's user and a click on it
    Reply started = api.json("POST", "/v1/experiments", acme, "{\"name\":\"acme-experiment\",\"collection\":\""
        + COLLECTION + "\",\"arms\":[{\"name\":\"lexical\",\"configuration\":{\"mode\":\"lexical\"}},"
        + "{\"name\":\"vector\",\"configuration\":{\"mode\":\"vector\"}}]}");
    assertEquals(201, started.status(), started.body().toString());
    experiment = started.body().get("id").asText();
    Reply enrolled = api.json("POST", "/v1/collections/" + COLLECTION + "/search", acme,
        "{\"query\":\"" + SECRET + " plan\",\"user\":\"acme-user\"}");
    assertTrue(enrolled.body().get("experiment").get("enrolled").asBoolean(), enrolled.body().toString());
    impression = enrolled.body().get("request_id").asText();
    assertEquals(201, api.json("POST", "/v1/feedback", acme, "{\"request_id\":\"" + impression
        + "\",\"event\":\"click\",\"doc_id\":\"acme-doc\"}").status());
    // a tool of acme's, on a host of its allow-list
    assertEquals(200, api.json("PUT", "/v1/tenants/acme/tool-hosts", acmeAdmin, "{\"hosts\":[\"tools.acme.example\"]}")
        .status());
    assertEquals(201, api.json("PUT", "/v1/tools/" + TOOL, acme, "{\"description\":\"acme's weather oracle\","
        + "\"parameters\":{\"type\":\"object\"},\"url\":\"https://tools.acme.example/weather\"}").status());
    // acme's budget, set by the operator
    assertEquals(200, api.json("PUT", "/v1/tenants/acme/budget", TestApi.ADMIN,
        "{\"tokens_per_day\":" + BUDGET + ",\"allowed_tools\":[\"search\"]}").status());
    // acme's query is now in the caches
    assertEquals(2, api.search(acme, COLLECTION, "{\"query\":\"" + SECRET + " plan\",\"k\":5}").size());
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
  }

  @Test
  void noEndpointLetsAnotherTenantsKeyOfAnyScopeSeeOrChangeAcmesData() throws Exception {
    JsonNode doc = api.document("/v1/openapi.json");
    JsonNode before = victim();
    assertEquals(before, victim(), "acme's state reads the same twice: the comparison below can only see probes");
    List<String> probed = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
      String template = path.getKey();
      if (template.equals("/v1/openapi.json")) {
        continue; // the public API description itself, served without a request id
      }
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        String method = op.getKey().toUpperCase(Locale.ROOT);
        if (!List.of("GET", "PUT", "POST", "DELETE").contains(method)) {
          continue;
        }
        for (Map.Entry<String, String> attacker : globexKeys.entrySet()) {
          dropGlobexsOwnCollection();
          dropGlobexsOwnJudgments();
          Reply r = send(method, template, attacker.getValue());
          String what = method + " " + template + " with globex's " + attacker.getKey() + " key -> " + r.status() + " "
              + r.raw().body();
          probed.add(what);
          assertRefusedOrOwn(method, template, op.getValue(), Set.of(attacker.getKey().split("\\+")), r, what);
          assertNoLeak(r, what);
          JsonNode after;
          try {
            after = victim();
          } catch (AssertionError e) {
            throw new AssertionError("acme's data cannot be read after " + what, e);
          }
          assertEquals(before, after, "acme's data changed after " + what);
        }
      }
    }
    assertTrue(probed.size() >= 4 * 25, "the API document lists the endpoints, each probed with 4 keys: " + probed.size());
    assertTrue(probed.stream().anyMatch(p -> p.startsWith("POST /v1/tenants with")), "operator routes are probed");
    assertTrue(probed.stream().anyMatch(p -> p.startsWith("GET /v1/models/status with")), "the models' status is probed");
    assertTrue(probed.stream().anyMatch(p -> p.startsWith("POST /v1/tenants/{tenant}/keys/{key}/rotate")));
    assertTrue(probed.stream().anyMatch(p -> p.startsWith("PUT /v1/tenants/{tenant}/budget")), "budgets are probed");
    assertTrue(probed.stream().anyMatch(p -> p.startsWith("POST /v1/feedback with")), "feedback is probed");
    assertTrue(probed.stream().anyMatch(p -> p.startsWith("POST /v1/experiments/{experiment}/stop with")));

    // and acme's data still answers acme, search included
    assertEquals(200, api.json("GET", "/v1/collections/" + COLLECTION + "/documents/acme-doc", acme, null).status());
    assertEquals(List.of("acme-doc", "acme-other"),
        api.search(acme, COLLECTION, "{\"query\":\"" + SECRET + " plan\",\"k\":5}").stream().sorted().toList());
  }

  @Test
  void aSameNamedCollectionOfAnotherTenantSharesNothingNotEvenCachedResults() throws Exception {
    // the other test may have left globex's own "vault" behind
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

  // ---- what a probe may answer --------------------------------------------------------------------

  /**
   * Open routes hold nothing of a tenant's. A route naming a tenant (and the operator's) refuses
   * every key of globex: 403. A key without the route's scope: 403. A route naming one of acme's
   * resources: 404, since globex has none by that id (its own same-named collection is dropped
   * before each probe), except creating that collection, which makes globex's own. Routes naming
   * no resource act in globex's own tenant and may succeed.
   */
  private static void assertRefusedOrOwn(String method, String template, JsonNode op, Set<String> scopes, Reply r,
      String what) {
    JsonNode security = op.get("security");
    if (security.isEmpty()) {
      return; // open: /healthz, /readyz
    }
    if (template.startsWith("/v1/tenants")) {
      assertEquals(403, r.status(), what);
      return;
    }
    JsonNode needed = security.get(0).get("bearer");
    if (!needed.isEmpty() && !scopes.contains(needed.get(0).asText())) {
      assertEquals(403, r.status(), what);
      return;
    }
    boolean namesAResource = template.contains("{");
    boolean createsItsOwn = method.equals("PUT")
        && (template.equals("/v1/collections/{collection}") || template.equals("/v1/judgments/{judgments}"));
    if (method.equals("PUT") && template.equals("/v1/tools/{name}")) {
      // a tool of globex's own by that name, refused: acme's allow-list is not globex's
      assertTrue(r.status() == 400 || r.status() == 403, what);
      return;
    }
    if (namesAResource && !createsItsOwn) {
      assertTrue(r.status() == 404 || r.status() == 403, what);
    } else {
      assertTrue(r.status() < 300 || r.status() == 404 || r.status() == 403, what);
    }
  }

  /** acme's data that globex never sends (an error may echo what the caller sent: its own input). */
  private void assertNoLeak(Reply r, String what) {
    String text = r.raw().body();
    List<String> leaks = new ArrayList<>(List.of("plan for next year", "acme-other", "someone", acmeKeyId,
        "weather oracle", Long.toString(BUDGET)));
    if (r.status() < 300) {
      // a success never names acme's job, erasure, session, memory or evaluation
      leaks.addAll(List.of(job, erasure, session, memory, evaluation, experiment, impression));
    }
    for (String leak : leaks) {
      assertFalse(text.contains(leak), what + " leaked '" + leak + "'");
    }
  }

  private void dropGlobexsOwnCollection() throws Exception {
    int status = api.json("DELETE", "/v1/collections/" + COLLECTION, globex, null).status();
    assertTrue(status == 200 || status == 404, "dropping globex's own collection: " + status);
  }

  private void dropGlobexsOwnJudgments() throws Exception {
    int status = api.json("DELETE", "/v1/judgments/" + JUDGMENTS, globex, null).status();
    assertTrue(status == 200 || status == 404, "dropping globex's own judgments: " + status);
  }

  private Reply send(String method, String template, String key) throws Exception {
    String uri = template.replace("{collection}", COLLECTION).replace("{id}", "acme-doc")
        .replace("{job}", job).replace("{erasure}", erasure).replace("{tenant}", "acme").replace("{key}", acmeKeyId)
        .replace("{session}", session).replace("{memory}", memory)
        .replace("{judgments}", JUDGMENTS).replace("{evaluation}", evaluation)
        .replace("{name}", TOOL).replace("{experiment}", experiment);
    String body = bodyFor(method, template);
    if (body == null) {
      return api.call(method, uri, key, null, (byte[]) null, Map.of());
    }
    String type = template.endsWith("/documents") && method.equals("POST") ? "application/x-ndjson" : "application/json";
    return api.call(method, uri, key, type, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** A well-formed body for each kind of route, aimed at acme's data. */
  private String bodyFor(String method, String template) {
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
    if (template.equals("/v1/chat/completions")) {
      return "{\"model\":\"rag/" + COLLECTION + "\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the "
          + SECRET + " plan?\"}]}";
    }
    if (template.equals("/v1/embeddings")) {
      return "{\"model\":\"rag/" + COLLECTION + "\",\"input\":\"" + SECRET + "\"}";
    }
    if (template.equals("/v1/memories")) {
      return "{\"user\":\"acme-user\",\"text\":\"written by globex\"}";
    }
    if (template.equals("/v1/judgments/{judgments}")) {
      return JUDGMENTS_BODY;
    }
    if (template.equals("/v1/evaluations")) {
      return "{\"collection\":\"" + COLLECTION + "\",\"judgments\":\"" + JUDGMENTS + "\",\"configurations\":[{\"name\":\"x\"}]}";
    }
    if (template.equals("/v1/experiments")) {
      return "{\"name\":\"globex's\",\"collection\":\"" + COLLECTION + "\",\"arms\":[{\"name\":\"a\"},{\"name\":\"b\"}]}";
    }
    if (template.equals("/v1/feedback")) {
      return "{\"request_id\":\"" + impression + "\",\"event\":\"click\",\"doc_id\":\"acme-doc\"}";
    }
    if (template.equals("/v1/erasures")) {
      return "{\"key\":\"owner\",\"value\":\"acme-owner\"}";
    }
    if (template.equals("/v1/tenants")) {
      return "{\"id\":\"acme\"}";
    }
    if (template.equals("/mcp")) {
      return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"search\","
          + "\"arguments\":{\"query\":\"" + SECRET + " plan\",\"collections\":[\"" + COLLECTION + "\"]}}}";
    }
    if (template.equals("/v1/tools/{name}")) {
      return "{\"description\":\"globex's\",\"parameters\":{},\"url\":\"https://tools.acme.example/weather\"}";
    }
    if (template.endsWith("/tool-hosts")) {
      return "{\"hosts\":[\"evil.example\"]}";
    }
    if (template.endsWith("/keys")) {
      return "{\"scopes\":[\"admin\",\"ingest\",\"search\"]}";
    }
    if (template.endsWith("/rotate")) {
      return "{\"grace_seconds\":0}";
    }
    return "{}";
  }

  // ---- acme's state -------------------------------------------------------------------------------

  /**
   * Everything of acme's a probe could change, read with acme's keys and the operator's: the
   * tenants, acme's keys (without when each was last used: reading this uses them), its
   * collections (without the index generation, which a background merge may move), every
   * document with its version, state and text, its jobs and erasures, and a search's hits.
   */
  private JsonNode victim() throws Exception {
    ObjectNode state = TestApi.JSON.createObjectNode();
    state.set("tenants", read("/v1/tenants", TestApi.ADMIN));
    JsonNode keys = read("/v1/tenants/acme/keys", acmeAdmin);
    keys.get("keys").forEach(k -> ((ObjectNode) k).remove("last_used_at"));
    state.set("keys", keys);
    JsonNode collections = read("/v1/collections", acme);
    collections.get("collections").forEach(c -> ((ObjectNode) c).remove("generation"));
    state.set("collections", collections);
    JsonNode documents = read("/v1/collections/" + COLLECTION + "/documents?limit=1000", acme);
    ArrayNode full = state.putArray("documents");
    for (JsonNode d : documents.get("documents")) {
      full.add(read("/v1/collections/" + COLLECTION + "/documents/" + d.get("id").asText(), acme));
    }
    state.set("document_list", documents);
    state.set("jobs", read("/v1/jobs", acme));
    state.set("job", read("/v1/jobs/" + job, acme));
    state.set("erasures", read("/v1/erasures", acme));
    state.set("sessions", read("/v1/sessions", acme));
    state.set("session", read("/v1/sessions/" + session + "?user=acme-user", acme));
    state.set("memories", read("/v1/memories", acme));
    state.set("memory", read("/v1/memories/" + memory, acme));
    state.set("judgments", read("/v1/judgments", acme));
    state.set("judgment_set", read("/v1/judgments/" + JUDGMENTS, acme));
    state.set("evaluations", read("/v1/evaluations", acme));
    state.set("evaluation", read("/v1/evaluations/" + evaluation, acme));
    state.set("experiments", read("/v1/experiments", acme));
    state.set("experiment", read("/v1/experiments/" + experiment, acme));
    state.set("tools", read("/v1/tools", acme));
    state.set("tool_hosts", read("/v1/tenants/acme/tool-hosts", acmeAdmin));
    state.set("budget", read("/v1/tenants/acme/budget", acmeAdmin));
    state.set("own_budget", read("/v1/budget", acme));
    ArrayNode hits = state.putArray("hits");
    api.search(acme, COLLECTION, "{\"query\":\"" + SECRET + " plan\",\"k\":5}").stream().sorted().forEach(hits::add);
    return state;
  }

  private JsonNode read(String path, String key) throws Exception {
    Reply r = api.json("GET", path, key, null);
    assertEquals(200, r.status(), path + ": " + r.body());
    ObjectNode body = r.body().deepCopy();
    body.remove("request_id");
    return body;
  }

  private JsonNode createTenantWithKey(String tenant, String... scopes) throws Exception {
    assertEquals(201, api.json("POST", "/v1/tenants", TestApi.ADMIN, "{\"id\":\"" + tenant + "\"}").status());
    return api.issueKey(tenant, scopes);
  }
}
