package dev.quarry.server.api;

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
import dev.quarry.server.http.Request;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.metrics.Metrics;
import dev.quarry.server.tenancy.TenantCollection;
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
 *
 * <p>Freshness: every write is synchronous in this slice. The engine commits and refreshes at the
 * end of each ingest and each delete, so a write is visible to the next search when it returns,
 * whether or not {@code ?refresh=wait_for} is given. Writes to one collection are serialised.
 */
public final class CollectionRoutes {

  record ChunkerBody(ChunkingStrategy strategy, Integer maxTokens, Integer overlapTokens) {}

  record PutCollection(String model, ChunkerBody chunker) {}

  record UpsertDocument(String title, String text, JsonNode metadata) {}

  record SearchBody(
      String query, SearchMode mode, Integer k, Integer offset, JsonNode filter, Boolean explain,
      FusionMethod fusion, Double vectorWeight) {}

  private static final int MAX_DOCUMENT_ID = 256;

  private final Quarry engine;
  private final ServerConfig.Limits limits;
  private final FilterJson filters;
  private final Metrics metrics;

  public CollectionRoutes(Quarry engine, ServerConfig.Limits limits) {
    this(engine, limits, Metrics.NONE);
  }

  /** Routes that report documents indexed to {@code metrics}. */
  public CollectionRoutes(Quarry engine, ServerConfig.Limits limits, Metrics metrics) {
    this.engine = engine;
    this.limits = limits;
    this.filters = new FilterJson(limits.maxFilterDepth());
    this.metrics = java.util.Objects.requireNonNull(metrics, "metrics");
  }

  public void register(Router router) {
    Access ingest = Access.scope(Scope.INGEST);
    Access search = Access.scope(Scope.SEARCH);
    router.route("GET", "/v1/collections", search, (r, k) -> list(tenant(k)));
    router.route("PUT", "/v1/collections/{collection}", ingest, (r, k) -> put(r, named(r, k)));
    router.route("GET", "/v1/collections/{collection}", search, (r, k) -> Response.ok(view(named(r, k), existing(named(r, k)))));
    router.route("DELETE", "/v1/collections/{collection}", ingest, (r, k) -> drop(named(r, k)));
    router.route("PUT", "/v1/collections/{collection}/documents/{id}", ingest, (r, k) -> upsert(r, named(r, k)));
    router.route("GET", "/v1/collections/{collection}/documents/{id}", search, (r, k) -> getDocument(r, named(r, k)));
    router.route("DELETE", "/v1/collections/{collection}/documents/{id}", ingest, (r, k) -> deleteDocument(r, named(r, k)));
    router.route("POST", "/v1/collections/{collection}/search", search, (r, k) -> search(r, named(r, k)));
  }

  private static ApiKey tenant(Optional<ApiKey> caller) {
    return caller.orElseThrow(() -> new IllegalStateException("collection routes are never open"));
  }

  private static TenantCollection named(Request r, Optional<ApiKey> caller) {
    return new TenantCollection(tenant(caller).tenant(), r.path("collection"));
  }

  private Collection existing(TenantCollection c) {
    return engine.find(c.engineName())
        .orElseThrow(() -> new NotFoundException("collection '" + c.name() + "' does not exist"));
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
    Map<String, Object> view = view(c, collection);
    return existed ? Response.ok(view) : Response.created(view);
  }

  private static Optional<CollectionSettings> settings(PutCollection body) {
    if (body.model() == null && body.chunker() == null) {
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

  private Response drop(TenantCollection c) {
    existing(c);
    engine.drop(c.engineName());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", c.name());
    body.put("deleted", true);
    return Response.ok(body);
  }

  private Response upsert(Request r, TenantCollection c) throws IOException {
    refresh(r);
    String id = documentId(r);
    Collection collection = existing(c);
    UpsertDocument body = r.body(UpsertDocument.class);
    if (body.text() == null) {
      throw ApiException.invalidAt("/text", "a document needs text");
    }
    Document doc = Document.of(id, body.title(), body.text(), MetadataJson.read(body.metadata(), "/metadata"));
    IngestReport report;
    synchronized (collection) {
      report = collection.ingest(single(doc), ProgressListener.NONE);
    }
    if (!report.rejected().isEmpty()) {
      throw new InvalidInputException("document '" + id + "' was rejected: " + report.rejected().getFirst().reason());
    }
    if (report.unchanged() == 0) {
      metrics.documentsIndexed(1);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("status", report.unchanged() > 0 ? "unchanged" : "indexed");
    out.put("chunks", report.chunks());
    out.put("generation", report.generation() >= 0 ? report.generation() : collection.stats().generation());
    return Response.ok(out);
  }

  private Response getDocument(Request r, TenantCollection c) {
    documentId(r);
    existing(c);
    throw ApiException.of(ServerErrorCode.NOT_IMPLEMENTED,
        "reading a document back is not served yet: the engine has no document lookup (issue 3)");
  }

  private Response deleteDocument(Request r, TenantCollection c) {
    refresh(r);
    String id = documentId(r);
    Collection collection = existing(c);
    boolean existed;
    synchronized (collection) {
      existed = collection.delete(id);
    }
    if (!existed) {
      throw new NotFoundException("document '" + id + "' does not exist in collection '" + c.name() + "'");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("deleted", true);
    out.put("generation", collection.stats().generation());
    return Response.ok(out);
  }

  private Response search(Request r, TenantCollection c) throws IOException {
    SearchBody b = r.body(SearchBody.class);
    if (b.query() == null || b.query().isBlank()) {
      throw ApiException.invalidAt("/query", "a non-blank query is required");
    }
    if (b.query().length() > limits.maxQueryLength()) {
      throw ApiException.invalidAt("/query", "query is " + b.query().length()
          + " characters, more than the limit of " + limits.maxQueryLength());
    }
    int k = b.k() == null ? 10 : b.k();
    if (k < 1 || k > limits.maxK()) {
      throw ApiException.invalidAt("/k", "k must be in 1.." + limits.maxK() + ", got: " + k);
    }
    int offset = b.offset() == null ? 0 : b.offset();
    if (offset < 0 || offset + k > SearchRequest.MAX_K) {
      throw ApiException.invalidAt("/offset", "offset must be >= 0 and offset + k <= " + SearchRequest.MAX_K + ", got: " + offset);
    }
    Optional<Filter> filter = b.filter() == null || b.filter().isNull()
        ? Optional.empty() : Optional.of(filters.read(b.filter(), "/filter"));
    Fusion d = SearchRequest.DEFAULT_FUSION;
    Fusion fusion;
    try {
      fusion = new Fusion(b.fusion() == null ? d.method() : b.fusion(),
          b.vectorWeight() == null ? (b.fusion() == null ? d.vectorWeight() : Fusion.rrf().vectorWeight()) : b.vectorWeight(),
          d.rankConstant());
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidAt("/vector_weight", e.getMessage());
    }
    SearchRequest request = new SearchRequest(b.query(), b.mode() == null ? SearchMode.HYBRID : b.mode(), k, offset,
        filter, fusion, Grouping.DOCUMENT, Boolean.TRUE.equals(b.explain()), 100);
    SearchResponse response = existing(c).search(request);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("hits", response.hits().stream().map(CollectionRoutes::hit).toList());
    out.put("generation", response.generation());
    return Response.ok(out);
  }

  private static Map<String, Object> hit(Hit h) {
    StoredChunk c = h.chunk();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.documentId());
    m.put("chunk_id", c.chunkId());
    m.put("score", h.score());
    m.put("title", c.title());
    m.put("snippet", h.snippet());
    m.put("text", c.text());
    m.put("metadata", MetadataJson.write(c.metadata()));
    h.explanation().ifPresent(e -> {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("fusion", e.fusion());
      x.put("fused_score", e.fusedScore());
      x.put("retrievers", e.contributions().stream()
          .map(p -> Map.<String, Object>of("retriever", p.retriever(), "rank", p.rank(), "score", p.score())).toList());
      m.put("explain", x);
    });
    return m;
  }

  private static void refresh(Request r) {
    Optional<String> refresh = r.query("refresh");
    if (refresh.isPresent() && !List.of("wait_for", "true", "false").contains(refresh.get())) {
      throw new InvalidInputException("refresh must be wait_for, true or false, got: '" + refresh.get() + "'");
    }
  }

  private static String documentId(Request r) {
    String id = r.path("id");
    if (id.isBlank() || id.length() > MAX_DOCUMENT_ID || id.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException("a document id must be 1-" + MAX_DOCUMENT_ID
          + " characters without control characters");
    }
    return id;
  }

  private static DocumentSource single(Document doc) {
    return new DocumentSource() {
      @Override
      public long totalBytes() {
        return 0;
      }

      @Override
      public void emit(Consumer<ParseOutcome> sink, LongConsumer bytesRead) {
        sink.accept(new ParseOutcome.Parsed(doc));
      }
    };
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
