package dev.quarry.engine;

import dev.quarry.core.chunk.Chunker;
import dev.quarry.core.embed.Embedder;
import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.error.StorageException;
import dev.quarry.core.index.IndexManifest;
import dev.quarry.core.index.IndexStats;
import dev.quarry.core.observe.CacheObserver;
import dev.quarry.core.observe.StageObserver;
import dev.quarry.core.search.Reranker;
import dev.quarry.core.search.Rerankers;
import dev.quarry.embed.model.EmbeddingModels;
import dev.quarry.engine.collection.CollectionName;
import dev.quarry.rerank.EmbeddingReranker;
import dev.quarry.engine.collection.CollectionSettings;
import dev.quarry.engine.ingest.DocumentSource;
import dev.quarry.embed.cache.CachingEmbedder;
import dev.quarry.embed.cache.EmbeddingCache;
import dev.quarry.ingest.chunk.Chunkers;
import dev.quarry.lucene.LuceneChunkIndex;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.parse.Parser;
import dev.quarry.ingest.parse.ParserRegistry;
import java.io.Closeable;
import java.io.InputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The composition root of the embedded engine: one data directory holding a Lucene index per
 * collection ({@code collections/<name>/}) and each collection's cache of passage vectors ({@code
 * cache/embeddings/<name>/}). Every object of the engine is built here, explicitly.
 *
 * <p>Decision: the passage cache is per collection, not shared. A shared cache keyed by text let
 * any collection (any tenant) learn, by timing an ingestion, whether another had ingested a text,
 * and kept an erased document's vectors with no owner to erase them for. Per collection it goes
 * with the collection when it is dropped and is emptied by {@link Collection#purgeDeleted()}; the
 * cost is that two collections embed the same text twice. The shared files of earlier versions
 * ({@code cache/embeddings/<model>.emb-v1}) are deleted at start for the same reason.
 */
public final class Quarry implements Closeable {

  /** A collection's name, how it was built, and its counts. */
  public record CollectionSummary(String name, IndexManifest manifest, IndexStats stats) {}

  /** The query-vector cache scope of re-ranking models (queries are cached per scope). */
  private static final String RERANK_SCOPE = "rerank";

  private final EngineConfig config;
  private static final System.Logger LOG = System.getLogger(Quarry.class.getName());

  private final Path collectionsDir;
  private final Path passageCachesDir;
  private final Models models;
  private final StageObserver stages;
  private final Optional<SearchResultCache> results;
  private final Map<String, Collection> open = new HashMap<>();
  private final Map<String, Reranker> rerankers = new java.util.concurrent.ConcurrentHashMap<>();
  private final Parser parsers;
  private final boolean readOnly;
  private long openings;

  private Quarry(EngineConfig config, StageObserver stages, CacheObserver caches, boolean readOnly) {
    this.config = config;
    this.readOnly = readOnly;
    this.collectionsDir = config.dataDir().resolve("collections");
    this.parsers = ParserRegistry.standard(config.limits());
    this.passageCachesDir = config.dataDir().resolve("cache").resolve("embeddings");
    this.models = new Models(config.embedder(), config.caches().queryVectors(), caches);
    this.stages = stages;
    this.results = config.caches().searchResults() > 0
        ? Optional.of(new SearchResultCache(config.caches().searchResults(), caches))
        : Optional.empty();
  }

  /** The engine on {@code config}, observed by nobody. */
  public static Quarry open(EngineConfig config) {
    return open(config, StageObserver.NONE, CacheObserver.NONE);
  }

  /**
   * The engine on {@code config}, reporting the time of every ingestion and search stage to {@code
   * stages} and every lookup of its caches to {@code caches}.
   */
  public static Quarry open(EngineConfig config, StageObserver stages, CacheObserver caches) {
    Objects.requireNonNull(stages, "stages");
    Objects.requireNonNull(caches, "caches");
    try {
      Files.createDirectories(config.dataDir().resolve("collections"));
    } catch (IOException e) {
      throw new StorageException("cannot create data directory " + config.dataDir() + ": " + e.getMessage(), e);
    }
    Quarry quarry = new Quarry(config, stages, caches, false);
    quarry.deleteSharedPassageCaches();
    return quarry;
  }

  /** Deletes the passage caches earlier versions shared between collections (see the class comment). */
  private void deleteSharedPassageCaches() {
    if (!Files.isDirectory(passageCachesDir)) {
      return;
    }
    try (Stream<Path> files = Files.list(passageCachesDir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (file.getFileName().toString().endsWith("." + EmbeddingCache.FORMAT_NAME)) {
          Files.delete(file);
          LOG.log(System.Logger.Level.INFO, "deleted " + file + ": passage vectors are now cached per collection");
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot delete the shared embedding cache in " + passageCachesDir + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * The engine on {@code config} for reading only, beside another process that owns the data
   * directory (a running server): collections open read-only ({@link
   * LuceneChunkIndex#openReadOnly}) at their last commit, the persistent embedding cache (which that
   * process holds locked) is left alone, and creating, dropping or writing to a collection fails
   * with a {@link ConflictException}. A missing data directory is not created: it has no collections.
   */
  public static Quarry openReadOnly(EngineConfig config) {
    return new Quarry(config.withEmbeddingCache(false), StageObserver.NONE, CacheObserver.NONE, true);
  }

  /** Whether this engine was opened with {@link #openReadOnly}. */
  public boolean readOnly() {
    return readOnly;
  }

  /**
   * Throws {@code StorageException} unless the engine can work: its collections directory exists
   * and is writable (a full or read-only disk shows here first).
   */
  public void checkReady() {
    if (!Files.isDirectory(collectionsDir) || !Files.isWritable(collectionsDir)) {
      throw new StorageException("the collections directory " + collectionsDir + " is missing or not writable");
    }
  }

  public EngineConfig config() {
    return config;
  }

  /**
   * The in-process embedding model {@code modelId} (loaded on first use, shared with the collections
   * using it), for text that belongs to no collection, such as an end user's memories. Fails with
   * the known ids for an unknown one.
   */
  public synchronized Embedder embedder(String modelId) {
    return models.get(modelId).model();
  }

  /**
   * Adds a remote embedding model (an {@link Embedder} over an HTTP endpoint, such as quarry-llm's
   * OpenAI-compatible one) under its {@code info().id()}: collections can then be created with it
   * as their model, and its manifest records it like any model's, so an index built with another
   * model (or another dimension) is refused the same way. Call before opening collections that use
   * it; the id must not be an in-process model's.
   */
  public synchronized void addEmbeddingModel(Embedder remote) {
    models.addRemote(remote);
  }

  /** Documents from a file or directory tree, parsed by file type, under the engine's limits. */
  public DocumentSource files(Path path) {
    return files(path, Map.of());
  }

  /**
   * Documents from a file or directory tree, as {@link #files(Path)}, also reading the extensions
   * in {@code types} as the formats they name ({@code yaml} -> {@code text}).
   */
  public DocumentSource files(Path path, Map<String, String> types) {
    return FileSource.of(path, config.limits(), types);
  }

  /**
   * Parses one source (an uploaded file) by the type its name says, under the engine's limits:
   * every document it holds, or why it was rejected.
   */
  public List<ParseOutcome> parse(String name, InputStream in) throws IOException {
    List<ParseOutcome> out = new ArrayList<>();
    parsers.parse(name, in, out::add);
    return out;
  }

  /**
   * Makes {@code reranker} available to searches under {@code name} (a cross-encoder or a remote
   * API the edge configured). The engine owns it from then on: one that is {@link AutoCloseable}
   * (a cross-encoder's session) is closed with the engine. Every embedding model of the catalogue is also a re-ranker, under its
   * own id, without being added: it re-scores with that model through the persistent passage cache.
   */
  public void addReranker(String name, Reranker reranker) {
    Objects.requireNonNull(reranker, "reranker");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("re-ranker name must not be blank");
    }
    if (EmbeddingModels.find(name).isPresent() || rerankers.putIfAbsent(name, reranker) != null) {
      throw new IllegalArgumentException("re-ranker '" + name + "' is already defined");
    }
  }

  /** The re-rankers searches can name: those added, and every catalogue embedding model by its id. */
  public Rerankers rerankers() {
    return new Rerankers() {
      @Override
      public Optional<Reranker> find(String name) {
        Reranker added = rerankers.get(name);
        if (added != null) {
          return Optional.of(added);
        }
        return EmbeddingModels.find(name)
            .map(spec -> {
              // candidates are re-embedded by the model itself: passage vectors are cached per collection
              Models.Loaded m = models.get(spec.id());
              return new EmbeddingReranker(m.embedderFor(RERANK_SCOPE, m.model()));
            });
      }

      @Override
      public List<String> names() {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(rerankers.keySet());
        EmbeddingModels.all().forEach(m -> names.add(m.id()));
        return List.copyOf(names);
      }
    };
  }

  /**
   * Opens a collection, creating it with {@code requested} (or the defaults) when absent. When it
   * exists and settings were requested explicitly, they must match how it was built.
   */
  public synchronized Collection openOrCreate(String name, Optional<CollectionSettings> requested) {
    CollectionName n = new CollectionName(name);
    Optional<Collection> existing = find(name);
    if (existing.isPresent()) {
      requested.ifPresent(r -> requireSame(n, existing.get().manifest(), r));
      return existing.get();
    }
    if (readOnly) {
      throw new ConflictException("collection '" + name + "' does not exist, and this engine is open read-only: "
          + "it cannot create one");
    }
    CollectionSettings s = requested.orElse(config.defaults());
    Models.Loaded model = models.get(s.model());
    IndexManifest manifest = IndexManifest.of(model.model().info(), s.encoding(), s.chunker());
    LuceneChunkIndex index = LuceneChunkIndex.create(dirOf(n), manifest);
    return register(n, index, model);
  }

  /** The collection, or {@link NotFoundException} listing those that exist. */
  public synchronized Collection get(String name) {
    return find(name).orElseThrow(() -> new NotFoundException(
        "collection '" + name + "' does not exist; existing: " + names()));
  }

  public synchronized Optional<Collection> find(String name) {
    CollectionName n = new CollectionName(name);
    Collection c = open.get(n.value());
    if (c != null) {
      return Optional.of(c);
    }
    if (!LuceneChunkIndex.exists(dirOf(n))) {
      return Optional.empty();
    }
    LuceneChunkIndex index = readOnly ? LuceneChunkIndex.openReadOnly(dirOf(n)) : LuceneChunkIndex.open(dirOf(n));
    Models.Loaded model;
    try {
      model = models.get(index.manifest().embedderId());
      index.manifest().requireCompatible(model.model().info());
    } catch (RuntimeException e) {
      closeQuietly(index);
      throw e;
    }
    return Optional.of(register(n, index, model));
  }

  public synchronized List<CollectionSummary> list() {
    List<CollectionSummary> out = new ArrayList<>();
    for (String name : names()) {
      Collection c = get(name);
      out.add(new CollectionSummary(name, c.manifest(), c.stats()));
    }
    return out;
  }

  /** Deletes a whole collection: its index files are gone when this returns true. */
  public synchronized boolean drop(String name) {
    CollectionName n = new CollectionName(name);
    if (readOnly) {
      throw new ConflictException("cannot delete collection '" + name + "': this engine is open read-only");
    }
    Collection c = open.remove(n.value());
    if (c != null) {
      closeQuietly(c);
    }
    results.ifPresent(r -> r.forget(n.value()));
    // the cache first: a crash in between leaves a collection without cached vectors, never the reverse
    deleteTree(name, passageCacheOf(n));
    Path dir = dirOf(n);
    if (!Files.exists(dir)) {
      return false;
    }
    deleteTree(name, dir);
    return true;
  }

  private static void deleteTree(String collection, Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new StorageException("cannot delete collection '" + collection + "' at " + dir + ": " + e.getMessage(), e);
    }
  }

  private List<String> names() {
    if (!Files.isDirectory(collectionsDir)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(collectionsDir)) {
      return dirs.filter(LuceneChunkIndex::exists).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new StorageException("cannot list " + collectionsDir + ": " + e.getMessage(), e);
    }
  }

  private Collection register(CollectionName n, LuceneChunkIndex index, Models.Loaded model) {
    Optional<EmbeddingCache> passageVectors;
    try {
      passageVectors = config.embeddingCache()
          ? Optional.of(EmbeddingCache.open(passageCacheOf(n), model.model().info()))
          : Optional.empty();
    } catch (RuntimeException e) {
      closeQuietly(index);
      throw e;
    }
    Embedder passages = passageVectors.<Embedder>map(v -> new CachingEmbedder(model.model(), v)).orElse(model.model());
    Chunker chunker = Chunkers.create(index.manifest().chunker(), model.tokenizer());
    Optional<Collection.CachedResults> cached =
        results.map(r -> new Collection.CachedResults(r, ++openings, index::generation));
    CollectionRerankers reranking = new CollectionRerankers(n.value(), rerankers(),
        passageVectors.map(v -> passageCacheOf(n)), model.model().info().id(), passages, models::get);
    Collection c = new Collection(n, index, chunker, model.embedderFor(n.value(), passages), config.ingest(), stages,
        cached, passageVectors, reranking, dirOf(n));
    open.put(n.value(), c);
    return c;
  }

  private Path passageCacheOf(CollectionName n) {
    return passageCachesDir.resolve(n.value());
  }

  private static void requireSame(CollectionName n, IndexManifest m, CollectionSettings r) {
    if (!m.embedderId().equals(r.model()) || !m.chunker().equals(r.chunker()) || m.vectorEncoding() != r.encoding()) {
      throw new ConflictException("collection '" + n + "' was built with model " + m.embedderId() + ", chunker "
          + m.chunker().describe() + ", vectors " + m.vectorEncoding() + "; requested model " + r.model()
          + ", chunker " + r.chunker().describe() + ", vectors " + r.encoding()
          + ". Use a new collection, or delete this one first");
    }
  }

  private Path dirOf(CollectionName n) {
    return collectionsDir.resolve(n.value());
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException ignored) {
      // already failing or shutting down
    }
  }

  private static void closeQuietly(Collection c) {
    try {
      c.close();
    } catch (IOException | RuntimeException ignored) {
      // already failing or shutting down
    }
  }

  @Override
  public synchronized void close() {
    open.values().forEach(Quarry::closeQuietly);
    open.clear();
    for (Reranker r : rerankers.values()) {
      if (r instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.log(System.Logger.Level.WARNING, "closing a re-ranker failed: " + e.getMessage());
        }
      }
    }
    rerankers.clear();
    models.close();
  }
}
