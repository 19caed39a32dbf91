package dev.quarry.server.api;

import static dev.quarry.server.tenancy.TenantCollections.caller;
import static dev.quarry.server.tenancy.TenantCollections.named;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.chunk.ChunkingStrategy;
import dev.quarry.core.document.Document;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.index.Filter;
import dev.quarry.core.index.IndexManifest;
import dev.quarry.core.index.IndexStats;
import dev.quarry.core.index.StoredChunk;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.FusionMethod;
import dev.quarry.core.search.Grouping;
import dev.quarry.core.search.Hit;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.SearchResponse;
import dev.quarry.engine.Collection;
import dev.quarry.engine.Quarry;
import dev.quarry.engine.collection.CollectionSettings;
import dev.quarry.engine.ingest.DocumentSource;
import dev.quarry.engine.ingest.IngestReport;
import dev.quarry.engine.ingest.ProgressListener;
import dev.quarry.server.ServerConfig;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.error.ServerErrorCode;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.server.http.Request;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.metrics.Metrics;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.server.ingest.Ingestion;
import dev.quarry.server.ingest.WriteLocks;
import dev.quarry.store.Store;
import dev.quarry.store.document.DocumentState;
import dev.quarry.store.document.StateCounts;
import dev.quarry.store.key.ApiKey;
import dev.quarry.store.key.Scope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Collections, their documents, and search, always in the calling key's tenant (see {@link
 * TenantCollection}): a collection of another tenant is indistinguishable from one that does not
 * exist (404), so existence does not leak.

 */
public final class CollectionRoutes {

  record ChunkerBody(ChunkingStrategy strategy, Integer maxTokens, Integer overlapTokens) {}

  record PutCollection(String model, ChunkerBody chunker, SearchDefaults search) {}

  private static final String VIEW = "`name`, `model`, `chunker` {`strategy`, `max_tokens`, `overlap_tokens`}, "
      + "`vector_encoding`, `documents`, `chunks`, `generation`";

  private final TenantCollections collections;
  private final Quarry engine;
  private final Ingestion ingestion;
  private final Store store;
  private final WriteLocks locks;
  private final JsonCodec json;
  private final ServerConfig.Limits limits;

  public CollectionRoutes(TenantCollections collections, Ingestion ingestion, Store store, WriteLocks locks,
      JsonCodec json, ServerConfig.Limits limits) {
    this.json = json;
    this.limits = limits;
    this.collections = collections;
    this.engine = collections.engine();
    this.ingestion = ingestion;
    this.store = store;
    this.locks = locks;
  }

  public void register(Router router) {
    Access ingest = Access.scope(Scope.INGEST);
    Access search = Access.scope(Scope.SEARCH);
    router.route("GET", "/v1/collections", search,
        ApiDoc.op("listCollections", "List the caller's collections").responds(200, "`collections`: " + VIEW),
        (r, k) -> list(caller(k)));
    router.route("PUT", "/v1/collections/{collection}", ingest,
        ApiDoc.op("putCollection", "Create a collection, or open an existing one")
            .describe("Settings are fixed at creation. Without a body the defaults apply; settings given for an existing "
                + "collection must match how it was built. `model` is an in-process model's id or the `id` of a "
                + "remote model in the configuration's `llm.embedding_models`. `search` ({`mode`, `k`, `fusion`, "
                + "`vector_weight`, `complete`, `rerank`, `feedback`}, the fields of a search) sets the defaults of the collection's "
                + "searches and answers for what a search leaves out, and may change at any time.")
            .param(TenantCollections.COLLECTION)
            .jsonBody(PutCollection.class)
            .responds(200, "The collection existed: " + VIEW)
            .responds(201, "The collection was created: " + VIEW)
            .fails(409, "conflict: the collection exists with other settings"),
        (r, k) -> put(r, named(r, k)));
    router.route("GET", "/v1/collections/{collection}", search,
        ApiDoc.op("getCollection", "Describe a collection").param(TenantCollections.COLLECTION)
            .responds(200, VIEW + ", `ingestion`: documents by state (received, parsed, chunked, embedded, indexed, failed)")
            .fails(404, "not_found: the collection does not exist"),
        (r, k) -> get(named(r, k)));
    router.route("DELETE", "/v1/collections/{collection}", ingest,
        ApiDoc.op("deleteCollection", "Delete a collection: its documents and index")
            .describe("Its jobs stay readable for `ingest.job_retention` (7 days by default), in state `collection_deleted`. "
                + "An experiment running on it is stopped (its report stays readable).")
            .param(TenantCollections.COLLECTION)
            .responds(200, "`name`, `deleted: true`").fails(404, "not_found: the collection does not exist"),
        (r, k) -> drop(named(r, k)));
  }

  private Collection existing(TenantCollection c) {
    return collections.existing(c);
  }

  private Response list(ApiKey caller) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Quarry.CollectionSummary s : engine.list()) {
      TenantCollection.ownedBy(caller.tenant(), s.name())
          .ifPresent(c -> out.add(view(c.name(), s.manifest(), s.stats())));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("collections", out);
    return Response.ok(body);
  }

  private Response put(Request r, TenantCollection c) throws IOException {
    PutCollection body = r.body(PutCollection.class);
    Optional<CollectionSettings> settings = settings(body);
    boolean existed = engine.find(c.engineName()).isPresent();
    Collection collection = engine.openOrCreate(c.engineName(), settings);
    ingestion.ensureStored(c, collection);
    if (body.search() != null) {
      SearchDefaults.store(store, Ingestion.key(c), body.search().validated(limits, "/search"), json);
    }
    Map<String, Object> view = view(c, collection);
    view.put("search", SearchDefaults.of(store, Ingestion.key(c), json).view());
    return existed ? Response.ok(view) : Response.created(view);
  }

  private static Optional<CollectionSettings> settings(PutCollection body) {
    if (body.model() == null && body.chunker() == null) { // search defaults alone may change any time
      return Optional.empty();
    }
    CollectionSettings d = CollectionSettings.DEFAULT;
    ChunkerConfig chunker = d.chunker();
    if (body.chunker() != null) {
      ChunkerBody b = body.chunker();
      try {
        chunker = new ChunkerConfig(
            b.strategy() == null ? chunker.strategy() : b.strategy(),
            b.maxTokens() == null ? chunker.maxTokens() : b.maxTokens(),
            b.overlapTokens() == null ? chunker.overlapTokens() : b.overlapTokens());
      } catch (IllegalArgumentException e) {
        throw ApiException.invalidAt("/chunker", e.getMessage());
      }
    }
    return Optional.of(new CollectionSettings(body.model() == null ? d.model() : body.model(), chunker, d.encoding()));
  }

  /** One collection with its settings, index counts and documents by ingestion state. */
  private Response get(TenantCollection c) {
    Collection collection = existing(c);
    Map<String, Object> out = view(c, collection);
    out.put("search", SearchDefaults.of(store, Ingestion.key(c), json).view());
    StateCounts counts = store.documents().counts(Ingestion.key(c));
    Map<String, Object> states = new LinkedHashMap<>();
    for (DocumentState s : DocumentState.values()) {
      states.put(s.wireName(), counts.get(s));
    }
    out.put("ingestion", states);
    return Response.ok(out);
  }

  /**
   * Deletes the collection: its documents' store records and content and its index files, under
   * the collection's write lock so no batch is half-way through it. Its jobs remain, marked; its
   * running experiment stops.
   */
  private Response drop(TenantCollection c) {
    existing(c);
    locks.with(c.engineName(), () -> {
      store.collections().delete(Ingestion.key(c));
      return engine.drop(c.engineName());
    });
    // a collection made again under this name starts without the old experiment
    store.experiments().running(c.tenant(), c.name()).ifPresent(e -> store.experiments().stop(c.tenant(), e.id()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", c.name());
    body.put("deleted", true);
    return Response.ok(body);
  }

  private static Map<String, Object> view(TenantCollection c, Collection collection) {
    return view(c.name(), collection.manifest(), collection.stats());
  }

  private static Map<String, Object> view(String name, IndexManifest m, IndexStats s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("model", m.embedderId());
    Map<String, Object> chunker = new LinkedHashMap<>();
    chunker.put("strategy", m.chunker().strategy().name().toLowerCase(java.util.Locale.ROOT));
    chunker.put("max_tokens", m.chunker().maxTokens());
    chunker.put("overlap_tokens", m.chunker().overlapTokens());
    out.put("chunker", chunker);
    out.put("vector_encoding", m.vectorEncoding().name().toLowerCase(java.util.Locale.ROOT));
    out.put("documents", s.documents());
    out.put("chunks", s.chunks());
    out.put("generation", s.generation());
    return out;
  }
}
