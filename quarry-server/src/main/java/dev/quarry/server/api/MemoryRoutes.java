package dev.quarry.server.api;

import static dev.quarry.server.tenancy.TenantCollections.caller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.runtime.retrieve.UserMemories;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.server.http.Request;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.store.Page;
import dev.quarry.store.key.Scope;
import dev.quarry.store.memory.Memory;
import dev.quarry.store.memory.MemoryStore;
import dev.quarry.store.memory.NewMemory;
import dev.quarry.store.tenant.TenantId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Long-term memories of end users: {@code POST /v1/memories}, {@code GET /v1/memories?user=},
 * {@code GET} and {@code DELETE /v1/memories/{memory}}. A memory is embedded with the engine's
 * default embedding model when stored; {@code POST /v1/chat} with a {@code user} recalls that user's
 * memories most like the question and cites them like passages.
 */
public final class MemoryRoutes {

  record MemoryBody(String user, String text, JsonNode metadata) {}

  private final MemoryStore memories;
  private final TenantCollections collections;
  private final JsonCodec json;

  public MemoryRoutes(MemoryStore memories, TenantCollections collections, JsonCodec json) {
    this.memories = memories;
    this.collections = collections;
    this.json = json;
  }

  public void register(Router router) {
    Access ingest = Access.scope(Scope.INGEST);
    Access search = Access.scope(Scope.SEARCH);
    String view = "`id`, `user`, `text`, `metadata`, `embedding_model`, `created_at`";
    router.route("POST", "/v1/memories", ingest,
        ApiDoc.op("createMemory", "Store a fact about an end user")
            .describe("`user` (1-256 characters), `text` (1-" + NewMemory.MAX_TEXT_LENGTH + " characters), `metadata` "
                + "(an object, optional). The text is embedded with the default embedding model; at most "
                + MemoryStore.MAX_PER_USER + " memories per user.")
            .jsonBody(MemoryBody.class, "user", "text")
            .responds(201, "The memory: " + view)
            .fails(409, "conflict: the user already has the most memories one user may have"),
        (r, k) -> Response.created(view(create(caller(k).tenant(), r.body(MemoryBody.class)))));
    router.route("GET", "/v1/memories", search,
        ApiDoc.op("listMemories", "List the caller's memories (of one end user with `user`), newest first")
            .param(ApiDoc.Param.query("user", "Only the memories of this end user."))
            .param(ApiDoc.Param.query("limit", "Page size, 1-1000 (default 50)."))
            .param(ApiDoc.Param.query("cursor", "`next_cursor` of the previous page."))
            .responds(200, "`memories` (" + view + "), `next_cursor`"),
        (r, k) -> {
          Optional<String> user = r.query("user");
          if (user.isPresent() && !SessionRoutes.validUser(user.get())) {
            throw ApiException.invalidParameter("user", SessionRoutes.USER_RULE);
          }
          Page<Memory> page = memories.list(caller(k).tenant(), user, Paging.of(r, 50));
          return Response.ok(Paging.body("memories", page, this::view));
        });
    router.route("GET", "/v1/memories/{memory}", search,
        ApiDoc.op("getMemory", "A memory")
            .param(ApiDoc.Param.path("memory", "The memory id."))
            .responds(200, view)
            .fails(404, "not_found: the tenant has no such memory"),
        (r, k) -> Response.ok(view(find(caller(k).tenant(), r))));
    router.route("DELETE", "/v1/memories/{memory}", ingest,
        ApiDoc.op("deleteMemory", "Delete a memory")
            .param(ApiDoc.Param.path("memory", "The memory id."))
            .responds(200, "`{\"deleted\": true}`; answers that cited it read back redacted in their sessions")
            .fails(404, "not_found: the tenant has no such memory"),
        (r, k) -> {
          Memory m = find(caller(k).tenant(), r);
          memories.delete(m.tenant(), m.id());
          return Response.ok(Map.of("deleted", true));
        });
  }

  private Memory find(TenantId tenant, Request r) {
    String id = r.path("memory");
    return memories.find(tenant, id).orElseThrow(() -> new NotFoundException("memory '" + id + "' does not exist"));
  }

  private Memory create(TenantId tenant, MemoryBody b) {
    if (b.user() == null || !SessionRoutes.validUser(b.user())) {
      throw ApiException.invalidAt("/user", SessionRoutes.USER_RULE);
    }
    if (b.text() == null || b.text().isBlank() || b.text().length() > NewMemory.MAX_TEXT_LENGTH
        || b.text().indexOf('\0') >= 0) {
      throw ApiException.invalidAt("/text", "text must be 1-" + NewMemory.MAX_TEXT_LENGTH
          + " non-blank characters without NUL");
    }
    MetadataJson.read(b.metadata(), "/metadata"); // checked like a document's
    String metadata = b.metadata() == null || b.metadata().isNull() ? "{}" : b.metadata().toString();
    String model = defaultModel();
    float[] vector = collections.engine().embedder(model).embed(List.of(b.text()), InputKind.DOCUMENT)[0];
    return memories.add(tenant, new NewMemory(b.user(), b.text(), metadata, model, boxed(vector)));
  }

  private String defaultModel() {
    return collections.engine().config().defaults().model();
  }

  /**
   * The memories of {@code user} stored under the default model, for recall; memories stored under
   * another model (the default changed since) are left out: their vectors are not comparable.
   */
  UserMemories of(TenantId tenant, String user) {
    String model = defaultModel();
    Embedder embedder = collections.engine().embedder(model);
    List<UserMemories.Note> notes = new ArrayList<>();
    for (Memory m : memories.ofUser(tenant, user)) {
      if (m.embeddingModel().equals(model)) {
        notes.add(new UserMemories.Note(m.id(), m.text(), m.vector()));
      }
    }
    return new UserMemories(embedder, notes);
  }

  private static List<Float> boxed(float[] vector) {
    List<Float> out = new ArrayList<>(vector.length);
    for (float f : vector) {
      out.add(f);
    }
    return out;
  }

  private Map<String, Object> view(Memory m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", m.id());
    out.put("user", m.user());
    out.put("text", m.text());
    try {
      out.put("metadata", json.read(m.metadata(), JsonNode.class));
    } catch (IOException e) {
      throw new UncheckedIOException("memory " + m.id() + " has unreadable metadata", e);
    }
    out.put("embedding_model", m.embeddingModel());
    out.put("created_at", m.createdAt().toString());
    return out;
  }
}
