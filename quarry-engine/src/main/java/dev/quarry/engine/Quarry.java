package dev.quarry.engine;

import dev.quarry.core.chunk.Chunker;
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
 * collection ({@code collections/<name>/}) and the embedding cache ({@code cache/embeddings/}).
 * Every object of the engine is built here, explicitly.
 */
public final class Quarry implements Closeable {

  /** A collection's name, how it was built, and its counts. */
  public record CollectionSummary(String name, IndexManifest manifest, IndexStats stats) {}

  /** The query-vector cache scope of re-ranking models (queries are cached per scope). */
  private static final String RERANK_SCOPE = "rerank";

  private final EngineConfig config;
  private final Path collectionsDir;
  private final Models models;
  private final StageObserver stages;
  private final Optional<SearchResultCache> results;
  private final Map<String, Collection> open = new HashMap<>();
  private final Map<String, Reranker> rerankers = new java.util.concurrent.ConcurrentHashMap<>();
  private final Parser parsers;
  private long openings;

  private Quarry(EngineConfig config, StageObserver stages, CacheObserver caches) {
    this.config = config;
    this.collectionsDir = config.dataDir().resolve("collections");
    this.parsers = ParserRegistry.standard(config.limits());
    this.models = new Models(config.embedder(), config.dataDir().resolve("cache").resolve("embeddings"),
        config.embeddingCache(), config.caches().queryVectors(), caches);
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
    return new Quarry(config, stages, caches);
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

  /** Documents from a file or directory tree, parsed by file type, under the engine's limits. */
  public DocumentSource files(Path path) {
    return FileSource.of(path, config.limits());
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
   * API the edge configured). Every embedding model of the catalogue is also a re-ranker, under its
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
            .map(spec -> new EmbeddingReranker(models.get(spec.id()).embedderFor(RERANK_SCOPE)));
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
    LuceneChunkIndex index = LuceneChunkIndex.open(dirOf(n));
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
    Collection c = open.remove(n.value());
    if (c != null) {
      closeQuietly(c.index());
    }
    results.ifPresent(r -> r.forget(n.value()));
    Path dir = dirOf(n);
    if (!Files.exists(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new StorageException("cannot delete collection '" + name + "' at " + dir + ": " + e.getMessage(), e);
    }
    return true;
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
    Chunker chunker = Chunkers.create(index.manifest().chunker(), model.model().tokenizer());
    Optional<Collection.CachedResults> cached =
        results.map(r -> new Collection.CachedResults(r, ++openings, index::generation));
    Collection c = new Collection(n, index, chunker, model.embedderFor(n.value()), config.ingest(), stages, cached,
        rerankers());
    open.put(n.value(), c);
    return c;
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

  @Override
  public synchronized void close() {
    open.values().forEach(c -> closeQuietly(c.index()));
    open.clear();
    models.close();
  }
}
