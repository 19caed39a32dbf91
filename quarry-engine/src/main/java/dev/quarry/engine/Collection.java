package dev.quarry.engine;

import dev.quarry.core.chunk.Chunker;
import dev.quarry.core.embed.Embedder;
import dev.quarry.core.index.ChunkIndex;
import dev.quarry.core.index.Filter;
import dev.quarry.core.index.IndexManifest;
import dev.quarry.core.index.IndexStats;
import dev.quarry.core.observe.StageObserver;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.SearchResponse;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.search.FusionMethod;
import dev.quarry.core.search.FusionModel;
import dev.quarry.core.search.SearchMode;
import dev.quarry.engine.collection.CollectionName;
import dev.quarry.engine.collection.FusionModelFile;
import dev.quarry.engine.ingest.DocumentSource;
import dev.quarry.engine.ingest.DocumentStages;
import dev.quarry.engine.ingest.IngestPipeline;
import dev.quarry.engine.ingest.IngestReport;
import dev.quarry.engine.ingest.IngestSettings;
import dev.quarry.engine.ingest.ProgressListener;
import dev.quarry.embed.cache.EmbeddingCache;
import dev.quarry.search.Searcher;
import dev.quarry.search.fingerprint.ConfigFingerprint;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * An open collection: its index with the embedder and chunker its manifest names, and its own
 * cache of passage vectors when that is on. Searches go through the engine's search-result cache
 * when it is on.
 */
public final class Collection {

  /** The engine's result cache as this opening of the collection uses it. */
  record CachedResults(SearchResultCache cache, long opening, LongSupplier generation) {}

  private final CollectionName name;
  private final ChunkIndex index;
  private final Chunker chunker;
  private final Embedder embedder;
  private final IngestSettings ingest;
  private final StageObserver stages;
  private final Searcher searcher;
  private final Optional<CachedResults> results;
  private final Optional<EmbeddingCache> passageVectors;
  private final CollectionRerankers rerankers;
  private final Path dir;
  private volatile Optional<FusionModel> fusionModel;

  Collection(CollectionName name, ChunkIndex index, Chunker chunker, Embedder embedder, IngestSettings ingest,
      StageObserver stages, Optional<CachedResults> results, Optional<EmbeddingCache> passageVectors,
      CollectionRerankers rerankers, Path dir) {
    this.name = name;
    this.dir = dir;
    this.fusionModel = FusionModelFile.read(dir);
    this.index = index;
    this.chunker = chunker;
    this.embedder = embedder;
    this.ingest = ingest;
    this.stages = stages;
    this.searcher = new Searcher(index, embedder, stages, rerankers);
    this.results = results;
    this.passageVectors = passageVectors;
    this.rerankers = rerankers;
  }

  public CollectionName name() {
    return name;
  }

  public IndexManifest manifest() {
    return index.manifest();
  }

  public IndexStats stats() {
    return index.stats();
  }

  /**
   * The collection's embedder (its manifest's model): queries through the in-memory query-vector
   * cache, passages through the persistent passage cache, as search and ingestion use them.
   */
  public Embedder embedder() {
    return embedder;
  }

  /** Ingests every document of {@code source}; unchanged documents cost a hash lookup. */
  public IngestReport ingest(DocumentSource source, ProgressListener progress) {
    return new IngestPipeline(index, chunker, embedder, ingest, stages).run(source, progress);
  }

  /**
   * {@link #ingest(DocumentSource, ProgressListener)}, telling {@code progress} as documents advance
   * (stage times still go to the collection's observer).
   */
  public IngestReport ingest(DocumentSource source, DocumentStages progress) {
    return new IngestPipeline(index, chunker, embedder, ingest, stages).run(source, ProgressListener.NONE, progress);
  }

  /** The learned fusion model fitted to this collection ({@code quarry tune}), if any. */
  public Optional<FusionModel> fusionModel() {
    return fusionModel;
  }

  /**
   * Stores {@code model} as this collection's learned fusion (searches with fusion {@code learned}
   * use it from now on), with {@code fitted} saying how it was fitted.
   */
  public void storeFusionModel(FusionModel model, Map<String, Object> fitted) {
    FusionModelFile.write(dir, model, fitted);
    fusionModel = Optional.of(model);
  }

  /**
   * {@code request} with this collection's learned model when it asks for learned fusion without
   * one; a clear error when the collection has none.
   */
  public SearchRequest resolve(SearchRequest request) {
    if (request.mode() != SearchMode.HYBRID || request.fusion().method() != FusionMethod.LEARNED
        || request.fusion().model().isPresent()) {
      return request;
    }
    FusionModel m = fusionModel.orElseThrow(() -> new InvalidInputException("collection '" + name.value()
        + "' has no learned fusion model: fit one with 'quarry tune --collection " + name.value()
        + "', or ask for another fusion"));
    return request.withFusion(request.fusion().withModel(m));
  }

  public SearchResponse search(SearchRequest request) {
    return search(request, v -> { });
  }

  /**
   * {@link #search(SearchRequest)}, handing the query vector it computed to {@code queryVector}
   * (see {@link Searcher#search(SearchRequest, java.util.function.Consumer)}); not called when the
   * search embedded nothing (lexical mode, or an answer from the result cache).
   */
  public SearchResponse search(SearchRequest unresolved, java.util.function.Consumer<float[]> queryVector) {
    SearchRequest request = resolve(unresolved);
    if (results.isEmpty()) {
      return searcher.search(request, queryVector);
    }
    CachedResults r = results.get();
    return r.cache().search(name.value(), r.opening(), r.generation(), request,
        () -> searcher.search(request, queryVector));
  }

  /**
   * The fingerprint of the configuration {@code request} ranks with over this collection (see
   * {@link ConfigFingerprint}): the same for a search and an evaluation of the same configuration.
   */
  public String fingerprint(SearchRequest request) {
    return ConfigFingerprint.of(index.manifest(), resolve(request));
  }

  /** The full ranking without stored fields (evaluation), by the same searcher as {@link #search}. */
  public Searcher.Ranking rank(SearchRequest request) {
    return searcher.rank(resolve(request));
  }

  /**
   * What fusion receives for a hybrid {@code request} over this collection, by the same searcher as
   * {@link #search} (see {@link Searcher#fusionInput}): {@code quarry tune} fits on it.
   */
  public Searcher.FusionInput fusionInput(SearchRequest request, boolean withText) {
    return searcher.fusionInput(request, withText);
  }

  /**
   * The re-rankers this collection's searches can name: embedding models re-score through the
   * collection's own cache of their passage vectors (see {@link CollectionRerankers}).
   */
  public dev.quarry.core.search.Rerankers rerankers() {
    return rerankers;
  }

  /** Deletes a document's chunks and makes the deletion visible and durable before returning. */
  public boolean delete(String documentId) {
    boolean existed = index.delete(documentId);
    index.commit();
    index.refresh();
    return existed;
  }

  /**
   * Deletes documents' chunks and makes the deletion visible and durable before returning, with one
   * commit for all of them; returns how many were indexed.
   */
  public int deleteAll(java.util.Collection<String> documentIds) {
    int deleted = 0;
    for (String id : documentIds) {
      if (index.delete(id)) {
        deleted++;
      }
    }
    index.commit();
    index.refresh();
    return deleted;
  }

  /** Ids of indexed documents with a chunk matching {@code filter}, sorted, at most {@code limit}. */
  public java.util.List<String> documentIds(Filter filter, int limit) {
    return index.documentIds(filter, limit);
  }

  /**
   * Rewrites the index files so deleted documents are gone from them, not only hidden, and empties
   * the collection's passage-vector cache, which may hold their vectors (its entries are keyed by
   * text, so it cannot tell whose they are); cached search results of the collection are dropped
   * too. Returns what is left in the index files (0 when the purge is complete).
   */
  public long purgeDeleted() {
    long left = index.purgeDeleted();
    passageVectors.ifPresent(EmbeddingCache::clear);
    rerankers.clear();
    results.ifPresent(r -> r.cache().forget(name.value()));
    return left;
  }

  /** How many segments a search of this collection visits. */
  public int segments() {
    return index.segments();
  }

  /** Merges the index into one segment (see {@link ChunkIndex#compact}). */
  public void compact() {
    index.compact(1);
  }

  ChunkIndex index() {
    return index;
  }

  /** Closes the index (committing it) and the passage-vector caches. */
  void close() throws java.io.IOException {
    try {
      index.close();
    } finally {
      try {
        rerankers.close();
      } finally {
        if (passageVectors.isPresent()) {
          passageVectors.get().close();
        }
      }
    }
  }
}
