package dev.quarry.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.error.ServerErrorCode;
import dev.quarry.store.idempotency.IdempotencyOutcome;
import dev.quarry.store.idempotency.IdempotencyStore;
import dev.quarry.store.idempotency.StoredResponse;
import dev.quarry.store.key.ApiKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code Idempotency-Key} on POST: a repeat of a request with the same key, in the same tenant,
 * answers the first response without doing the work again.
 *
 * <p>Decisions:
 * <ul>
 *   <li>"The same request" is the SHA-256 of method, raw path, raw query and body bytes. The same
 *       key with anything else is {@code idempotency_conflict} (422, not retryable): the client has
 *       a bug, retrying cannot help. A repeat while the first still runs is
 *       {@code idempotency_in_progress} (409, retryable).</li>
 *   <li>Only 2xx responses are remembered. A request that fails releases its key ({@code abandon}),
 *       so a retry runs anew: failures are either not applied (validation) or transient.</li>
 *   <li>A replay has the first response's status and body except {@code request_id}, which is the
 *       replaying request's own (every response's {@code request_id} matches its
 *       {@code X-Request-Id}); it carries the header {@code Idempotent-Replayed: true}.</li>
 *   <li>Keys are per tenant (the caller's key's tenant), so tenants cannot see each other's keys.
 *       Open routes (no caller) ignore the header; only POST uses it (PUT and DELETE are idempotent
 *       by their nature).</li>
 * </ul>
 */
final class Idempotency {

  private static final System.Logger LOG = System.getLogger(Idempotency.class.getName());

  static final String HEADER = "Idempotency-Key";
  static final String REPLAYED_HEADER = "Idempotent-Replayed";

  private final IdempotencyStore store;
  private final JsonCodec json;

  Idempotency(IdempotencyStore store, JsonCodec json) {
    this.store = Objects.requireNonNull(store, "store");
    this.json = Objects.requireNonNull(json, "json");
  }

  /** Runs {@code handler} at most once per key and request; answers a replay otherwise. */
  Response run(String method, Request request, ApiKey caller, Handler handler, Runnable markReplayed)
      throws IOException {
    String key = request.header(HEADER).orElseThrow();
    String hash = hash(method, request, request.rawBody());
    IdempotencyOutcome outcome = store.begin(caller.tenant(), key, hash);
    return switch (outcome) {
      case IdempotencyOutcome.Replay replay -> {
        markReplayed.run();
        yield replayed(replay.response());
      }
      case IdempotencyOutcome.Conflict c -> throw ApiException.of(ServerErrorCode.IDEMPOTENCY_CONFLICT,
          "the Idempotency-Key was already used for a different request (method, path or body); use a new key");
      case IdempotencyOutcome.InProgress p -> throw ApiException.of(ServerErrorCode.IDEMPOTENCY_IN_PROGRESS,
          "a request with this Idempotency-Key is still in progress; retry after it completes");
      case IdempotencyOutcome.New n -> {
        Response response;
        try {
          response = handler.handle(request, java.util.Optional.of(caller));
        } catch (IOException | RuntimeException | Error e) {
          try {
            store.abandon(caller.tenant(), key);
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
          throw e;
        }
        remember(caller, key, response);
        yield response;
      }
    };
  }

  /**
   * Stores the response for replays. The work is done by now, so a response that cannot be stored
   * (larger than {@link StoredResponse#MAX_BODY_LENGTH}, or a store failure) is still answered; the
   * key is released and a retry would run anew. That is logged, as it weakens the guarantee.
   */
  private void remember(ApiKey caller, String key, Response response) {
    try {
      store.complete(caller.tenant(), key,
          new StoredResponse(response.status(), new String(json.write(response.body()), StandardCharsets.UTF_8)));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "idempotent response not stored (" + e.getMessage()
          + "); a retry with this key will run again", e);
      try {
        store.abandon(caller.tenant(), key);
      } catch (RuntimeException ignored) {
        // the lease lapses on its own; a retry after that runs anew
      }
    }
  }

  private Response replayed(StoredResponse stored) throws IOException {
    JsonNode tree = json.tree(stored.body());
    Map<String, Object> body = new LinkedHashMap<>();
    tree.properties().forEach(e -> body.put(e.getKey(), e.getValue()));
    return new Response(stored.status(), body);
  }

  static String hash(String method, Request request, byte[] body) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      String raw = request.rawPathAndQuery();
      d.update((method + "\n" + raw + "\n").getBytes(StandardCharsets.UTF_8));
      d.update(body);
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
