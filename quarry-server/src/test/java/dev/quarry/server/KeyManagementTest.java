package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.server.TestApi.Reply;
import dev.quarry.store.key.PlaintextKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The access model and key management over HTTP (issue 7, item 1): the operator key alone manages
 * tenants; a tenant's keys never act outside their tenant, whatever their scopes; a tenant's admin
 * key manages that tenant's keys (list, create with expiry, revoke, rotate).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyManagementTest {

  static final String KEYS_OF_ACME = "/v1/tenants/acme/keys";

  TestApi api;
  String acme;
  String acmeKeyId;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start();
    assertEquals(201, api.json("POST", "/v1/tenants", TestApi.ADMIN, "{\"id\":\"acme\"}").status());
    JsonNode issued = api.issueKey("acme", "ingest", "search");
    acme = issued.get("key").asText();
    acmeKeyId = issued.get("id").asText();
    assertEquals(201, api.json("PUT", "/v1/collections/docs", acme, "{}").status());
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
  }

  @Test
  void anotherTenantsAdminKeyCannotActOnAcmeNorManageTenants() throws Exception {
    String evil = api.tenantKey("evil", "admin");
    JsonNode acmeKeysBefore = keys("acme");
    List<String> refused = new ArrayList<>();
    for (String[] call : new String[][] {
        {"POST", KEYS_OF_ACME, "{\"scopes\":[\"search\"]}"},
        {"POST", KEYS_OF_ACME, "{\"scopes\":[\"admin\",\"ingest\",\"search\"]}"},
        {"GET", KEYS_OF_ACME, null},
        {"DELETE", KEYS_OF_ACME + "/" + acmeKeyId, null},
        {"POST", KEYS_OF_ACME + "/" + acmeKeyId + "/rotate", "{}"},
        {"GET", "/v1/tenants/acme/usage", null},
        {"POST", "/v1/tenants", "{\"id\":\"evil-two\"}"},
        {"GET", "/v1/tenants", null},
        {"POST", "/v1/tenants/nobody/keys", "{\"scopes\":[\"search\"]}"},
        {"GET", "/v1/tenants/quarry-admin/keys", null},
        {"POST", "/v1/tenants/quarry-admin/keys", "{\"scopes\":[\"admin\"]}"}}) {
      Reply r = api.json(call[0], call[1], evil, call[2]);
      assertEquals(403, r.status(), call[0] + " " + call[1] + " -> " + r.body());
      assertEquals("forbidden", r.body().get("code").asText());
      refused.add(r.body().get("message").asText());
    }
    assertTrue(refused.getFirst().contains("tenant 'evil'"), refused.getFirst());
    assertTrue(refused.get(6).contains("operator key"), refused.get(6));
    assertEquals(refused.get(0), refused.get(8), "a tenant that does not exist is refused the same way");

    assertEquals(acmeKeysBefore, keys("acme"), "acme's keys are unchanged");
    assertEquals(200, api.json("GET", "/v1/collections/docs", acme, null).status(), "and acme's key still works");
    assertFalse(api.json("GET", "/v1/tenants", TestApi.ADMIN, null).body().findValuesAsText("id").contains("evil-two"),
        "no tenant was created");
  }

  @Test
  void aTenantsAdminKeyManagesItsOwnKeys() throws Exception {
    String admin = api.tenantKey("self", "admin");
    Reply created = api.json("POST", "/v1/tenants/self/keys", admin, "{\"scopes\":[\"search\",\"ingest\"]}");
    assertEquals(201, created.status(), created.body().toString());
    String key = created.body().get("key").asText();
    assertEquals("self", created.body().get("tenant").asText());
    assertEquals(List.of("ingest", "search"), texts(created.body().get("scopes")));
    assertEquals(201, api.json("PUT", "/v1/collections/own", key, "{}").status(), "the new key works in its tenant");
    assertEquals(404, api.json("GET", "/v1/collections/docs", key, null).status(), "and only there");
    assertEquals(200, api.json("GET", "/v1/tenants/self/keys", admin, null).status());
    assertEquals(403, api.json("GET", "/v1/collections/own", admin, null).status(), "admin does not imply search");
  }

  @Test
  void listingShowsEachKeyWithoutItsSecret() throws Exception {
    String admin = api.tenantKey("lister", "admin");
    Instant expiry = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
    Reply created = api.json("POST", "/v1/tenants/lister/keys", admin,
        "{\"scopes\":[\"search\"],\"expires_at\":\"" + expiry + "\"}");
    assertEquals(201, created.status(), created.body().toString());
    String used = created.body().get("key").asText();
    assertEquals(expiry.toString(), created.body().get("expires_at").asText());
    String unused = api.key("lister", "ingest");
    assertEquals(200, api.json("GET", "/v1/collections", used, null).status());

    Reply list = api.json("GET", "/v1/tenants/lister/keys", admin, null);
    assertEquals(200, list.status(), list.body().toString());
    for (String plaintext : List.of(admin, used, unused)) {
      String secret = plaintext.substring("qk_".length() + 17); // after qk_<16 hex digits>_
      assertFalse(list.raw().body().contains(secret), "no secret in a listing: " + list.raw().body());
    }
    JsonNode keys = list.body().get("keys");
    assertEquals(3, keys.size(), keys.toString());
    Set<String> fields = new TreeSet<>();
    keys.get(0).fieldNames().forEachRemaining(fields::add);
    assertEquals(new TreeSet<>(List.of("id", "tenant", "scopes", "created_at", "last_used_at", "expires_at",
        "revoked_at", "previous_secret_valid_until", "active")), fields);
    JsonNode usedView = byId(keys, PlaintextKey.parse(used).id());
    JsonNode unusedView = byId(keys, PlaintextKey.parse(unused).id());
    assertTrue(usedView.get("last_used_at").isTextual(), "a used key shows when: " + usedView);
    assertTrue(unusedView.get("last_used_at").isNull(), unusedView.toString());
    assertEquals(expiry.toString(), usedView.get("expires_at").asText());
    assertTrue(unusedView.get("expires_at").isNull());
    assertTrue(usedView.get("active").asBoolean());
    assertEquals(200, api.json("GET", "/v1/tenants/lister/keys", TestApi.ADMIN, null).status(), "the operator lists too");
    assertEquals(404, api.json("GET", "/v1/tenants/nobody/keys", TestApi.ADMIN, null).status());
  }

  @Test
  void aRevokedKeyGets401AtOnceAndStaysListed() throws Exception {
    String admin = api.tenantKey("revoker", "admin");
    String key = api.key("revoker", "search");
    String id = PlaintextKey.parse(key).id();
    assertEquals(200, api.json("GET", "/v1/collections", key, null).status());
    Reply revoked = api.json("DELETE", "/v1/tenants/revoker/keys/" + id, admin, null);
    assertEquals(200, revoked.status(), revoked.body().toString());
    assertTrue(revoked.body().get("revoked_at").isTextual());
    assertFalse(revoked.body().get("active").asBoolean());
    Reply after = api.json("GET", "/v1/collections", key, null);
    assertEquals(401, after.status(), "revoked keys are refused from the next request on");
    assertEquals("unauthenticated", after.body().get("code").asText());
    assertFalse(byId(keys("revoker").get("keys"), id).get("active").asBoolean(), "a revoked key stays listed");
    assertEquals(404, api.json("DELETE", "/v1/tenants/revoker/keys/0123456789abcdef", admin, null).status());
    assertEquals(404, api.json("DELETE", "/v1/tenants/revoker/keys/" + acmeKeyId, admin, null).status(),
        "acme's key id in another tenant's path is no key of that tenant");
  }

  @Test
  void aKeyPastItsExpiryGets401() throws Exception {
    String admin = api.tenantKey("expirer", "admin");
    Instant soon = Instant.now().plusMillis(1500);
    Reply created = api.json("POST", "/v1/tenants/expirer/keys", admin,
        "{\"scopes\":[\"search\"],\"expires_at\":\"" + soon + "\"}");
    assertEquals(201, created.status(), created.body().toString());
    String key = created.body().get("key").asText();
    assertEquals(200, api.json("GET", "/v1/collections", key, null).status(), "valid before its expiry");
    Instant deadline = Instant.now().plusSeconds(20);
    int status = 200;
    while (status == 200 && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
      status = api.json("GET", "/v1/collections", key, null).status();
    }
    assertEquals(401, status, "an expired key is refused");
    assertTrue(Instant.now().isAfter(soon), "and not before its expiry");

    Reply past = api.json("POST", "/v1/tenants/expirer/keys", admin, "{\"scopes\":[\"search\"],\"expires_at\":\"2020-01-01T00:00:00Z\"}");
    assertEquals(400, past.status());
    assertEquals("/expires_at", past.body().get("details").get("pointer").asText(), past.body().toString());
    Reply garbled = api.json("POST", "/v1/tenants/expirer/keys", admin, "{\"scopes\":[\"search\"],\"expires_at\":\"tomorrow\"}");
    assertEquals(400, garbled.status());
    assertTrue(garbled.body().get("message").asText().contains("RFC 3339"), garbled.body().toString());
  }

  @Test
  void rotationGivesANewSecretAndTheOldOneStops() throws Exception {
    String admin = api.tenantKey("rotator", "admin");
    String first = api.key("rotator", "search");
    String id = PlaintextKey.parse(first).id();
    assertEquals(200, api.json("GET", "/v1/collections", first, null).status(), "verified, so remembered");
    Reply rotated = api.json("POST", "/v1/tenants/rotator/keys/" + id + "/rotate", admin, null);
    assertEquals(200, rotated.status(), rotated.body().toString());
    String second = rotated.body().get("key").asText();
    assertNotEquals(first, second);
    assertEquals(id, rotated.body().get("id").asText(), "the key keeps its id");
    assertTrue(rotated.body().get("previous_secret_valid_until").isNull());
    assertEquals(401, api.json("GET", "/v1/collections", first, null).status(), "the old secret stops at once");
    assertEquals(200, api.json("GET", "/v1/collections", second, null).status());

    Reply graceful = api.json("POST", "/v1/tenants/rotator/keys/" + id + "/rotate", admin, "{\"grace_seconds\":600}");
    assertEquals(200, graceful.status(), graceful.body().toString());
    String third = graceful.body().get("key").asText();
    Instant until = Instant.parse(graceful.body().get("previous_secret_valid_until").asText());
    assertTrue(until.isAfter(Instant.now().plusSeconds(590)) && until.isBefore(Instant.now().plusSeconds(601)), until.toString());
    assertEquals(200, api.json("GET", "/v1/collections", second, null).status(), "within the grace period");
    assertEquals(200, api.json("GET", "/v1/collections", third, null).status());

    Reply tooLong = api.json("POST", "/v1/tenants/rotator/keys/" + id + "/rotate", admin, "{\"grace_seconds\":86401}");
    assertEquals(400, tooLong.status());
    assertEquals("/grace_seconds", tooLong.body().get("details").get("pointer").asText());
    assertEquals(200, api.json("GET", "/v1/collections", third, null).status(), "a refused rotation changes nothing");
    assertEquals(404, api.json("POST", "/v1/tenants/rotator/keys/0123456789abcdef/rotate", admin, null).status());
    api.json("DELETE", "/v1/tenants/rotator/keys/" + id, admin, null);
    assertEquals(409, api.json("POST", "/v1/tenants/rotator/keys/" + id + "/rotate", admin, null).status(),
        "a revoked key is not rotated");
  }

  @Test
  void theOperatorsLastKeyCannotBeRevoked() throws Exception {
    String id = PlaintextKey.parse(TestApi.ADMIN).id();
    Reply r = api.json("DELETE", "/v1/tenants/quarry-admin/keys/" + id, TestApi.ADMIN, null);
    assertEquals(409, r.status(), r.body().toString());
    assertTrue(r.body().get("message").asText().contains("last active key"), r.body().toString());
    assertEquals(200, api.json("GET", "/v1/tenants", TestApi.ADMIN, null).status(), "the operator key still works");
  }

  private JsonNode keys(String tenant) throws Exception {
    Reply r = api.json("GET", "/v1/tenants/" + tenant + "/keys", TestApi.ADMIN, null);
    assertEquals(200, r.status(), r.body().toString());
    com.fasterxml.jackson.databind.node.ObjectNode body = r.body().deepCopy();
    body.remove("request_id");
    return body;
  }

  private static JsonNode byId(JsonNode keys, String id) {
    for (JsonNode k : keys) {
      if (k.get("id").asText().equals(id)) {
        return k;
      }
    }
    throw new AssertionError("no key " + id + " in " + keys);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
