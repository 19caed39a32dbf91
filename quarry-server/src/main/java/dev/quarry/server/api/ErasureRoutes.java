package dev.quarry.server.api;

import static dev.quarry.server.tenancy.TenantCollections.caller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.ingest.Erasures;
import dev.quarry.store.DeletedRows;
import dev.quarry.store.Store;
import dev.quarry.store.erasure.ErasureReceipt;
import dev.quarry.store.key.Scope;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Erasure of a data subject in the calling key's tenant: {@code POST /v1/erasures} with {@code
 * {"key": "user_id", "value": "u-42"}} issues a receipt (202); the worker deletes every matching
 * document of every collection and purges them from the index files, the passage-vector caches and
 * the store; {@code GET} shows the receipt as its status moves from requested to deleted to purged,
 * with the state of each of those places.
 *
 * <p>The value may be a string, number or boolean, and matches the subject by value whatever type
 * their metadata holds it in: {@code 42} and {@code "42"} both erase {@code {"uid": 42}} and {@code
 * {"uid": "42"}} ({@link dev.quarry.core.index.TermValue}). The receipt keeps it as text: a number
 * as its canonical text ({@code 42.0} as {@code "42"}), a boolean as {@code "true"} or {@code
 * "false"}.
 */
public final class ErasureRoutes {

  record EraseBody(String key, JsonNode value) {}

  private final Store store;
  private final Runnable wake;

  public ErasureRoutes(Store store, Runnable wake) {
    this.store = store;
    this.wake = wake;
  }

  public void register(Router router) {
    Access ingest = Access.scope(Scope.INGEST);
    ApiDoc.Param id = ApiDoc.Param.path("erasure", "The receipt id.");
    String receipt = "`id`, `key`, `value`, `status` (requested, deleted, purged), `documents_deleted`, "
        + "`sessions_deleted` and `memories_deleted` (for the key `user`: that end user's chat sessions and memories), "
        + "`requested_at`, `deleted_at`, `purged_at`, `places` (`index`, `embedding_cache`, `store`, each pending, "
        + "deleted or purged)";
    router.route("POST", "/v1/erasures", ingest,
        ApiDoc.op("requestErasure", "Erase a data subject: every document whose metadata key equals the value")
            .describe("`value` is a string, number or boolean and matches by value, whatever type the metadata holds "
                + "it in (42 and \"42\" both erase {\"uid\": 42}); the receipt keeps it as text. "
                + "Covers every collection of the tenant, indexed documents and those still in ingestion. The "
                + "status reaches `deleted` once none can be found and `purged` once no file of the data directory "
                + "holds them: index segments rewritten, the collections' passage-vector caches emptied, the store's "
                + "log checkpointed. On PostgreSQL the store stays `deleted` in `places`: it keeps deleted rows' "
                + "bytes until their space is reused.")
            .jsonBody(EraseBody.class, "key", "value")
            .responds(202, "The receipt: " + receipt + "; Location header"),
        (r, k) -> {
      EraseBody b = r.body(EraseBody.class);
      if (b.key() == null || b.key().isBlank()) {
        throw ApiException.invalidAt("/key", "the metadata key that identifies the subject is required");
      }
      ErasureReceipt issued = store.erasures().request(caller(k).tenant(), b.key(), subject(b.value()));
      wake.run();
      return Response.accepted(view(issued, store.deletedRows())).withHeader("Location", "/v1/erasures/" + issued.id());
    });
    router.route("GET", "/v1/erasures", ingest,
        ApiDoc.op("listErasures", "The caller's erasure receipts, newest first").responds(200, "`erasures`: " + receipt),
        (r, k) -> {
      Map<String, Object> out = new LinkedHashMap<>();
      DeletedRows rows = store.deletedRows();
      out.put("erasures", store.erasures().list(caller(k).tenant()).stream().map(e -> view(e, rows)).toList());
      return Response.ok(out);
    });
    router.route("GET", "/v1/erasures/{erasure}", ingest,
        ApiDoc.op("getErasure", "An erasure receipt").param(id).responds(200, receipt)
            .fails(404, "not_found: the tenant has no such erasure"),
        (r, k) -> Response.ok(view(
        store.erasures().find(caller(k).tenant(), r.path("erasure"))
            .orElseThrow(() -> new NotFoundException("erasure '" + r.path("erasure") + "' does not exist")),
        store.deletedRows())));
  }

  /** The subject's value as the receipt keeps it and erasure matches it (as a string term). */
  private static String subject(JsonNode value) {
    if (value == null || value.isNull() || value.isTextual() && value.asText().isBlank()) {
      throw ApiException.invalidAt("/value", "the subject's value is required");
    }
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isNumber()) {
      return MetadataJson.number(value, "/value", "the subject's value must be a finite number").canonicalText();
    }
    if (value.isBoolean()) {
      return Boolean.toString(value.booleanValue());
    }
    throw ApiException.invalidAt("/value", "the subject's value is a string, number or boolean");
  }

  static Map<String, Object> view(ErasureReceipt e, DeletedRows rows) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", e.id());
    out.put("key", e.key());
    out.put("value", e.value());
    out.put("status", e.status().wireName());
    out.put("documents_deleted", e.documentsDeleted());
    out.put("sessions_deleted", e.sessionsDeleted());
    out.put("memories_deleted", e.memoriesDeleted());
    out.put("requested_at", e.requestedAt().toString());
    out.put("deleted_at", e.deletedAt().map(Instant::toString).orElse(null));
    out.put("purged_at", e.purgedAt().map(Instant::toString).orElse(null));
    out.put("places", Erasures.places(e.status(), rows));
    return out;
  }
}
