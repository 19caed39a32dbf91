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
import dev.quarry.core.search.Hit;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.engine.Collection;
import dev.quarry.engine.Quarry;
import dev.quarry.engine.collection.CollectionSettings;
import dev.quarry.runtime.metering.CallContext;
import dev.quarry.engine.ingest.DocumentSource;
import dev.quarry.engine.ingest.IngestReport;
import dev.quarry.engine.ingest.ProgressListener;
import dev.quarry.engine.Collection;
import dev.quarry.server.ServerConfig;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.server.ingest.Ingestion;
import dev.quarry.store.Store;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.evaluation.RankingConfiguration;
import dev.quarry.server.experiment.Experiments;
import dev.quarry.server.error.ServerErrorCode;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.Request;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.metrics.Metrics;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.server.usage.UsageMeter;
import dev.quarry.store.key.ApiKey;
import dev.quarry.store.key.Scope;
import dev.quarry.store.usage.Meter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/** Search over a collection of the calling key's tenant. */
public final class SearchRoutes {

  record SearchBody(
      String query, SearchMode mode, Integer k, Integer offset, JsonNode filter, Boolean explain,
      FusionMethod fusion, Double vectorWeight, Boolean complete, Set<HitField> include, RerankBody rerank,
      VectorFeedbackBody feedback, String user, String sessionId) {}

  /**
   * What a hit carries besides {@code id} and {@code score}, as a search's {@code include} names it.
   * Decision: the default leaves out {@code text} (a whole chunk, the bulk of a response: k = 100
   * was 200 KB) and {@code offsets}; everything else is a few dozen bytes a hit.
   */
  enum HitField {
    CHUNK_ID, TITLE, SNIPPET, TEXT, OFFSETS, METADATA;

    static final Set<HitField> DEFAULT = java.util.Collections.unmodifiableSet(EnumSet.of(CHUNK_ID, TITLE, SNIPPET, METADATA));

    String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The route a search's model calls (an llm re-ranker's) are recorded under in the ledger. */
  static final String METERED_ROUTE = "search";

  private final TenantCollections collections;
  private final Store store;
  private final JsonCodec json;
  private final ServerConfig.Limits limits;
  private final FilterJson filters;
  private final UsageMeter usage;
  private final Experiments experiments;

  public SearchRoutes(TenantCollections collections, ServerConfig.Limits limits, Store store, JsonCodec json,
      UsageMeter usage, Experiments experiments) {
    this.experiments = experiments;
    this.store = store;
    this.json = json;
    this.collections = collections;
    this.limits = limits;
    this.filters = new FilterJson(limits.maxFilterDepth());
    this.usage = usage;
  }

  public void register(Router router) {
    router.route("POST", "/v1/collections/{collection}/search", Access.scope(Scope.SEARCH),
        ApiDoc.op("searchCollection", "Search a collection")
            .describe("`mode` is hybrid by default; `k` defaults to 10 and `offset` to 0. `filter` is "
                + "{\"term\": {\"field\", \"value\"}} (a string, number or boolean, matched by value: 2023, 2023.0 and "
                + "\"2023\" all match 2023), {\"in\": {\"field\", \"values\": [...]}}, "
                + "{\"range\": {\"field\", \"gte\", \"gt\", \"lte\", \"lt\"}} "
                + "(numbers or ISO-8601 instants), {\"all_of\": [filters]}, {\"any_of\": [filters]} or {\"not\": filter}. "
                + "`fusion` and `vector_weight` apply to hybrid search; `complete` (default false; weighted and dbsf "
                + "fusion only, refused for rrf and learned) turns on score completion: a hit one retriever missed gets "
                + "its real score there, normalised with that list's statistics, instead of the list's floor (see "
                + "docs/evaluation.md, \"Score completion\"). `explain` adds each hit's retriever ranks and scores, a "
                + "completed score marked `completed` (without a rank). "
                + "`include` chooses what each hit carries besides `id` and `score`: any of `chunk_id`, `title`, "
                + "`snippet`, `text` (the whole chunk), `offsets` (`start` and `end` of the chunk in the document's "
                + "text, `page`, `heading_path`) and `metadata`; by default `chunk_id`, `title`, `snippet` and "
                + "`metadata`; `[]` for ids and scores only. "
                + "`rerank` ({\"reranker\", \"depth\", \"weight\"}) re-scores the best `depth` fused candidates (default 50) "
                + "with a re-ranker (an embedding model id such as `e5-small-v2-q`) blended at `weight` (default 0.5); "
                + "depth 0 turns a collection's default re-ranking off. "
                + "`feedback` ({\"docs\", \"weight\"}, vector and hybrid search; off by default) is vector "
                + "pseudo-relevance feedback: the stored vectors of the first pass's best `docs` results (default 5) "
                + "refine the query vector, q' = normalize(q + weight * their mean) (weight default 1.0), and a second "
                + "vector search with q' (same filter) replaces the vector list before fusion (see docs/evaluation.md, "
                + "\"Vector pseudo-relevance feedback\"); docs 0 turns a collection's default feedback off. "
                + "`user` and `session_id` name who searches, for an experiment running on the collection: a search "
                + "carrying the id the experiment assigns by, and setting none of `mode`, `fusion`, `vector_weight`, "
                + "`complete`, `rerank` and `feedback` (a search that sets them is ranked as it asks), is ranked by its arm (see "
                + "`POST /v1/experiments`); a search without that id is not enrolled.")
            .param(TenantCollections.COLLECTION)
            .jsonBody(SearchBody.class, "query")
            .responds(200, "`hits` (`id`, `score`, the fields of `include`, and `explain` when asked) "
                + "the index `generation` searched, the configuration's `fingerprint` (models, chunker, mode, fusion "
                + "with its completion, candidates, re-ranking and vector feedback: the same as an evaluation of that configuration reports), and `degraded` "
                + "(why) when a re-ranker could not answer and the fused order was kept; while an experiment runs on the "
                + "collection, `experiment` (`id`, `name`, `kind`, `enrolled`; when enrolled in `ab` the `arm` and its "
                + "`fingerprint`, in `interleave` the `fingerprints` of both arms and each hit's `arm`; else the "
                + "`reason`). Feedback on an enrolled response names its `request_id` (`POST /v1/feedback`).")
            .fails(404, "not_found: the collection does not exist"),
        (r, k) -> search(r, named(r, k), caller(k).id()));
  }

  /**
   * A search runs with its caller's {@link CallContext} bound (route {@value #METERED_ROUTE}): a
   * re-ranker that calls a chat model (kind {@code llm}) is then checked against and charged to the
   * tenant's budget, as chat is.
   */
  private Response search(Request r, TenantCollection c, String keyId) throws IOException {
    SearchBody b = r.body(SearchBody.class);
    if (b.query() == null || b.query().isBlank()) {
      throw ApiException.invalidAt("/query", "a non-blank query is required");
    }
    if (b.query().length() > limits.maxQueryLength()) {
      throw ApiException.invalidAt("/query", "query is " + b.query().length()
          + " characters, more than the limit of " + limits.maxQueryLength());
    }
    Collection collection = collections.existing(c);
    SearchDefaults defaults = SearchDefaults.of(store, Ingestion.key(c), json);
    int k = defaults.k(b.k());
    if (k < 1 || k > limits.maxK()) {
      throw ApiException.invalidAt("/k", "k must be in 1.." + limits.maxK() + ", got: " + k);
    }
    int offset = b.offset() == null ? 0 : b.offset();
    if (offset < 0 || offset + k > SearchRequest.MAX_K) {
      throw ApiException.invalidAt("/offset", "offset must be >= 0 and offset + k <= " + SearchRequest.MAX_K + ", got: " + offset);
    }
    Optional<Filter> filter = b.filter() == null || b.filter().isNull()
        ? Optional.empty() : Optional.of(filters.read(b.filter(), "/filter"));
    Fusion fusion = defaults.fusion(b.fusion(), b.vectorWeight(), b.complete(), "");
    RankingConfiguration configuration = new RankingConfiguration(defaults.mode(b.mode()), fusion,
        SearchRequest.DEFAULT_CANDIDATES, defaults.rerank(b.rerank()), defaults.feedback(b.feedback()));
    Set<HitField> include = b.include() == null ? HitField.DEFAULT : EnumSet.copyOf(withAll(b.include()));
    Experiments.Asker asker = asker(b);
    Experiments.Served served = new CallContext(c.tenant(), Optional.of(keyId), Optional.empty(), METERED_ROUTE)
        .call(() -> experiments.search(c.tenant(), c.name(), collection, configuration, b.query(), k, offset,
            filter, Boolean.TRUE.equals(b.explain()), asker, r.requestId()));
    usage.count(c.tenant(), Meter.SEARCHES, 1);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("hits", served.hits().stream().map(h -> {
      Map<String, Object> m = hit(h.hit(), include);
      h.arm().ifPresent(a -> m.put("arm", a));
      return m;
    }).toList());
    out.put("generation", served.generation());
    out.put("fingerprint", served.fingerprint());
    served.degraded().ifPresent(d -> out.put("degraded", d));
    served.experiment().ifPresent(e -> out.put("experiment", e));
    return Response.ok(out);
  }

  /** Who asks, for a running experiment, and which ranking fields the search pins itself. */
  private static Experiments.Asker asker(SearchBody b) {
    List<String> pinned = new ArrayList<>();
    if (b.mode() != null) {
      pinned.add("mode");
    }
    if (b.fusion() != null) {
      pinned.add("fusion");
    }
    if (b.vectorWeight() != null) {
      pinned.add("vector_weight");
    }
    if (b.complete() != null) {
      pinned.add("complete");
    }
    if (b.rerank() != null) {
      pinned.add("rerank");
    }
    if (b.feedback() != null) {
      pinned.add("feedback");
    }
    unitId(b.user(), "/user");
    unitId(b.sessionId(), "/session_id");
    return new Experiments.Asker(Optional.ofNullable(b.user()), Optional.ofNullable(b.sessionId()), pinned);
  }

  private static void unitId(String id, String at) {
    if (id != null && (id.isBlank() || id.length() > 256)) {
      throw ApiException.invalidAt(at, at.substring(1) + " must be a non-blank string of at most 256 characters");
    }
  }

  /** {@code include} itself, refusing a {@code null} item (Jackson binds {@code [null]} so). */
  private static Set<HitField> withAll(Set<HitField> include) {
    if (include.contains(null)) {
      throw ApiException.invalidAt("/include", "include lists field names; null is not one");
    }
    return include.isEmpty() ? EnumSet.noneOf(HitField.class) : include;
  }

  private static Map<String, Object> hit(Hit h, Set<HitField> include) {
    StoredChunk c = h.chunk();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.documentId());
    m.put("score", h.score());
    for (HitField f : include) {
      switch (f) {
        case CHUNK_ID -> m.put("chunk_id", c.chunkId());
        case TITLE -> m.put("title", c.title());
        case SNIPPET -> m.put("snippet", h.snippet());
        case TEXT -> m.put("text", c.text());
        case OFFSETS -> {
          Map<String, Object> o = new LinkedHashMap<>();
          o.put("start", c.start());
          o.put("end", c.end());
          o.put("page", c.page());
          o.put("heading_path", c.headingPath());
          m.put("offsets", o);
        }
        case METADATA -> m.put("metadata", MetadataJson.write(c.metadata()));
      }
    }
    h.explanation().ifPresent(e -> {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("fusion", e.fusion());
      x.put("fused_score", e.fusedScore());
      x.put("retrievers", e.contributions().stream()
          .map(p -> p.completed()
              ? Map.<String, Object>of("retriever", p.retriever(), "score", p.score(), "completed", true)
              : Map.<String, Object>of("retriever", p.retriever(), "rank", p.rank(), "score", p.score())).toList());
      e.rerank().ifPresent(s -> x.put("rerank", Map.<String, Object>of("reranker", s.reranker(),
          "score", s.rerankScore(), "first_stage_score", s.firstStageScore(), "weight", s.weight())));
      m.put("explain", x);
    });
    return m;
  }

}
