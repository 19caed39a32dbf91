package dev.quarry.lucene;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.document.Document;
import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.error.StorageException;
import dev.quarry.core.index.ChunkIndex;
import dev.quarry.core.index.Filter;
import dev.quarry.core.index.IndexManifest;
import dev.quarry.core.index.IndexStats;
import dev.quarry.core.index.StoredChunk;
import dev.quarry.core.index.StoredVector;
import dev.quarry.core.search.Retriever;
import dev.quarry.core.search.ScoredChunkRef;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;

/**
 * One collection's chunks in an embedded Apache Lucene index in one directory: BM25 over title and
 * text, HNSW over unit-length vectors (int8 scalar-quantised by default), exact metadata filters
 * inside both retrievers, and {@code manifest.json} recording how the index was built.
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li>Construction: {@link #create} makes a new index and refuses a directory that holds one;
 *       {@link #open(Path)} opens an existing one with whatever manifest it has, {@link
 *       #open(Path, IndexManifest)} also refuses, with a {@link ConflictException} naming every
 *       difference, one built with another embedder, dimension, similarity, encoding or chunker.
 *       {@link #openOrCreate} is the usual entry point for a service.
 *   <li>Layout: one Lucene document per chunk plus one record per document holding its content
 *       hash, written as one block with {@link IndexWriter#updateDocuments}, so readers see all old
 *       chunks or all new ones. See {@link IndexFields}.
 *   <li>Lexical: {@link LexicalAnalysis} (English analyzer with Porter stemming, BM25 k1=0.9
 *       b=0.4, Anserini's BEIR baseline); no query syntax is ever parsed.
 *   <li>Vector: {@link VectorCodec} chooses the HNSW format from the manifest's encoding; the
 *       retriever collects {@code max(k, efSearch)} candidates, pre-filtered inside the graph
 *       search, and rescores them exactly with the raw floats. Scores are dot products.
 *   <li>Visibility and durability: writes become visible on {@link #refresh()} (near-real-time
 *       readers, no commit needed) and durable on {@link #commit()}; {@link #close()} commits.
 *       If the process dies, the index opens at its last commit. Generations are reader versions
 *       (see {@link NrtSearchers}).
 *   <li>Concurrency: any number of threads may search, load and write at once; writes to the same
 *       document are serialised so {@link #contentHash} always reflects the latest of them, even
 *       before a refresh.
 * </ul>
 */
public final class LuceneChunkIndex implements ChunkIndex {

  /** Lucene's indexing buffer; larger buffers make fewer, larger segments and graphs. */
  static final double RAM_BUFFER_MB = 64;

  private static final int WRITE_STRIPES = 64;

  private final Path dir;
  private final ManifestFile manifestFile;
  private final Directory directory;
  private final Analyzer analyzer;
  /** Null when the index was opened read-only ({@link #openReadOnly}); see {@link #writer()}. */
  private final IndexWriter writer;
  private final NrtSearchers searchers;
  private final VectorInput vectorInput;
  private final PendingWrites pending = new PendingWrites();
  private final Object[] writeStripes = new Object[WRITE_STRIPES];
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Retriever lexical;
  private final Retriever vector;
  private final Retriever exactVector;

  private LuceneChunkIndex(
      Path dir, ManifestFile manifestFile, Directory directory, Analyzer analyzer, IndexWriter writer)
      throws IOException {
    this.dir = dir;
    this.manifestFile = manifestFile;
    this.directory = directory;
    this.analyzer = analyzer;
    this.writer = writer;
    this.searchers = writer == null ? new NrtSearchers(dir, directory) : new NrtSearchers(dir, writer);
    this.vectorInput = new VectorInput(manifestFile.manifest());
    for (int i = 0; i < WRITE_STRIPES; i++) {
      writeStripes[i] = new Object();
    }
    this.lexical = new LexicalRetriever(searchers, analyzer);
    this.vector = new VectorRetriever(searchers, vectorInput, manifestFile.hnsw().efSearch());
    this.exactVector = new ExactVectorRetriever(searchers, vectorInput);
  }

  /** A new index in {@code dir} with default HNSW settings; see {@link #create(Path, IndexManifest, HnswConfig)}. */
  public static LuceneChunkIndex create(Path dir, IndexManifest manifest) {
    return create(dir, manifest, HnswConfig.DEFAULT);
  }

  /**
   * A new, empty index in {@code dir} (created if missing), its manifest and HNSW settings saved in
   * {@code manifest.json}.
   *
   * @throws ConflictException if {@code dir} already holds an index
   * @throws InvalidInputException if the manifest asks for a format this version does not write
   */
  public static LuceneChunkIndex create(Path dir, IndexManifest manifest, HnswConfig hnsw) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(hnsw, "hnsw");
    if (manifest.formatVersion() != IndexManifest.CURRENT_FORMAT) {
      throw new InvalidInputException(
          "this version writes index format " + IndexManifest.CURRENT_FORMAT + ", the manifest asks for "
              + manifest.formatVersion());
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException("could not create index directory " + dir + ": " + e.getMessage(), e);
    }
    if (ManifestFile.exists(dir)) {
      throw new ConflictException("an index already exists at " + dir + "; open it instead");
    }
    try (Directory probe = FSDirectory.open(dir)) {
      if (DirectoryReader.indexExists(probe)) {
        throw new ConflictException(
            dir + " holds a Lucene index without " + ManifestFile.NAME + "; refusing to overwrite it");
      }
    } catch (IOException e) {
      throw new StorageException("could not inspect " + dir + ": " + e.getMessage(), e);
    }
    ManifestFile file = new ManifestFile(manifest, hnsw);
    // Manifest first: a crash before the first Lucene commit leaves a manifest over an empty
    // directory, which open() turns into an empty index.
    file.write(dir);
    LuceneChunkIndex index = start(dir, file);
    try {
      index.commit();
    } catch (RuntimeException e) {
      IOUtils.closeWhileHandlingException(index);
      throw e;
    }
    return index;
  }

  /**
   * The existing index in {@code dir}, as its manifest describes it. Callers holding an embedder
   * should check {@code manifest().requireCompatible(model)} or use {@link #open(Path,
   * IndexManifest)}.
   *
   * @throws NotFoundException if {@code dir} holds no index
   * @throws ConflictException if another writer has the index open
   */
  public static LuceneChunkIndex open(Path dir) {
    Objects.requireNonNull(dir, "dir");
    if (!ManifestFile.exists(dir)) {
      throw new NotFoundException("no index at " + dir + ": " + ManifestFile.NAME + " is missing");
    }
    return start(dir, ManifestFile.read(dir));
  }

  /**
   * The existing index in {@code dir}, provided it was built as {@code expected} says.
   *
   * @throws ConflictException naming every difference (embedder, dimension, similarity, vector
   *     encoding, chunker, format version) when it was built otherwise
   */
  public static LuceneChunkIndex open(Path dir, IndexManifest expected) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(expected, "expected");
    if (!ManifestFile.exists(dir)) {
      throw new NotFoundException("no index at " + dir + ": " + ManifestFile.NAME + " is missing");
    }
    ManifestFile file = ManifestFile.read(dir);
    ManifestFile.requireSame(dir, file.manifest(), expected);
    return start(dir, file);
  }

  /** {@link #open(Path, IndexManifest)} when {@code dir} holds an index, else {@link #create(Path, IndexManifest)}. */
  public static LuceneChunkIndex openOrCreate(Path dir, IndexManifest manifest) {
    return ManifestFile.exists(dir) ? open(dir, manifest) : create(dir, manifest);
  }

  /**
   * The existing index in {@code dir}, for reading only, beside a process that may be writing it
   * (a running server): no write lock is taken, searches see its last commit as of the latest
   * {@link #refresh()}, and every write ({@link #upsert}, {@link #delete}, {@link #commit}, ...)
   * fails with a {@link ConflictException}.
   *
   * @throws NotFoundException if {@code dir} holds no index
   */
  public static LuceneChunkIndex openReadOnly(Path dir) {
    Objects.requireNonNull(dir, "dir");
    if (!ManifestFile.exists(dir)) {
      throw new NotFoundException("no index at " + dir + ": " + ManifestFile.NAME + " is missing");
    }
    ManifestFile file = ManifestFile.read(dir);
    requireReadableFormat(dir, file);
    Directory directory = null;
    Analyzer analyzer = null;
    try {
      directory = FSDirectory.open(dir);
      analyzer = LexicalAnalysis.analyzer();
      if (!DirectoryReader.indexExists(directory)) {
        throw new NotFoundException("the index at " + dir + " has no commit yet");
      }
      return new LuceneChunkIndex(dir, file, directory, analyzer, null);
    } catch (IOException e) {
      IOUtils.closeWhileHandlingException(analyzer, directory);
      throw new StorageException("could not open the index at " + dir + " for reading: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      IOUtils.closeWhileHandlingException(analyzer, directory);
      throw e;
    }
  }

  /** Whether this index was opened with {@link #openReadOnly}. */
  public boolean readOnly() {
    return writer == null;
  }

  /** Whether {@code dir} holds an index (its manifest is there). */
  public static boolean exists(Path dir) {
    return ManifestFile.exists(dir);
  }

  private static void requireReadableFormat(Path dir, ManifestFile file) {
    int format = file.manifest().formatVersion();
    if (format != IndexManifest.CURRENT_FORMAT) {
      throw new ConflictException("index at " + dir + " has format " + format + ", this version reads format "
          + IndexManifest.CURRENT_FORMAT + "; re-ingest into a new collection");
    }
  }

  private static LuceneChunkIndex start(Path dir, ManifestFile file) {
    requireReadableFormat(dir, file);
    Directory directory = null;
    Analyzer analyzer = null;
    IndexWriter writer = null;
    try {
      directory = FSDirectory.open(dir);
      analyzer = LexicalAnalysis.analyzer();
      TieredMergePolicy merges = new TieredMergePolicy();
      // purgeDeleted rewrites every segment holding a deleted document, however few: Lucene's default
      // (10%) leaves one erased document in a large segment in the files for good
      merges.setForceMergeDeletesPctAllowed(0);
      IndexWriterConfig config = new IndexWriterConfig(analyzer)
          .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
          .setMergePolicy(merges)
          .setCodec(new VectorCodec(file.manifest().vectorEncoding(), file.hnsw()))
          .setSimilarity(LexicalAnalysis.similarity())
          .setRAMBufferSizeMB(RAM_BUFFER_MB)
          .setCommitOnClose(true);
      writer = new IndexWriter(directory, config);
      return new LuceneChunkIndex(dir, file, directory, analyzer, writer);
    } catch (LockObtainFailedException e) {
      IOUtils.closeWhileHandlingException(writer, analyzer, directory);
      throw new ConflictException("index at " + dir + " is already open by another writer", e);
    } catch (IOException e) {
      IOUtils.closeWhileHandlingException(writer, analyzer, directory);
      throw new StorageException("could not open the index at " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public IndexManifest manifest() {
    return manifestFile.manifest();
  }

  /** The HNSW settings saved with this index. */
  public HnswConfig hnsw() {
    return manifestFile.hnsw();
  }

  /** The directory this index lives in. */
  public Path directory() {
    return dir;
  }

  /** The generation of the searcher that reads see now, without refreshing. */
  public long generation() {
    return searchers.read((searcher, generation) -> generation);
  }

  @Override
  public Optional<String> contentHash(String documentId) {
    Objects.requireNonNull(documentId, "documentId");
    Optional<PendingWrites.Pending> latest = pending.lookup(documentId);
    if (latest.isPresent()) {
      return latest.get().contentHash();
    }
    return searchers.read((searcher, generation) -> {
      Query record = new BooleanQuery.Builder()
          .add(new TermQuery(new Term(IndexFields.DOC_ID, documentId)), BooleanClause.Occur.FILTER)
          .add(new TermQuery(new Term(IndexFields.KIND, IndexFields.KIND_DOCUMENT)), BooleanClause.Occur.FILTER)
          .build();
      TopDocs top = searcher.search(record, 1);
      if (top.scoreDocs.length == 0) {
        return Optional.empty();
      }
      org.apache.lucene.document.Document stored =
          searcher.storedFields().document(top.scoreDocs[0].doc, Set.of(IndexFields.CONTENT_HASH));
      return Optional.ofNullable(stored.get(IndexFields.CONTENT_HASH));
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Every chunk must belong to {@code document} and have a distinct ordinal; vectors must have
   * the manifest's dimension, be finite, and (for a DOT_PRODUCT index) unit length.
   *
   * @throws InvalidInputException when chunks or vectors break those rules
   */
  @Override
  public void upsert(Document document, List<Chunk> chunks, float[][] vectors) {
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(chunks, "chunks");
    Objects.requireNonNull(vectors, "vectors");
    requireOpen();
    if (vectors.length != chunks.size()) {
      throw new InvalidInputException(
          "document '" + document.id() + "' has " + chunks.size() + " chunks but " + vectors.length + " vectors");
    }
    Set<Integer> ordinals = new HashSet<>();
    float[][] ready = new float[vectors.length][];
    for (int i = 0; i < chunks.size(); i++) {
      Chunk chunk = chunks.get(i);
      if (!chunk.documentId().equals(document.id())) {
        throw new InvalidInputException(
            "chunk " + chunk.id() + " belongs to document '" + chunk.documentId() + "', not '" + document.id() + "'");
      }
      if (!ordinals.add(chunk.ordinal())) {
        throw new InvalidInputException(
            "document '" + document.id() + "' has two chunks with ordinal " + chunk.ordinal());
      }
      ready[i] = vectorInput.chunkVector(document.id(), i, Objects.requireNonNull(vectors[i], "vector " + i));
    }
    List<org.apache.lucene.document.Document> block = ChunkDocuments.block(document, chunks, ready);
    String hash = document.contentHash();
    synchronized (stripe(document.id())) {
      try {
        writer().updateDocuments(new Term(IndexFields.DOC_ID, document.id()), block);
      } catch (IOException | AlreadyClosedException e) {
        throw writeFailed("upserting document '" + document.id() + "'", e);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(
            "document '" + document.id() + "' cannot be indexed: " + e.getMessage(), e);
      }
      pending.record(document.id(), Optional.of(hash));
    }
  }

  @Override
  public boolean delete(String documentId) {
    Objects.requireNonNull(documentId, "documentId");
    requireOpen();
    writer(); // a read-only handle refuses before looking
    synchronized (stripe(documentId)) {
      if (contentHash(documentId).isEmpty()) {
        return false;
      }
      try {
        writer().deleteDocuments(new Term(IndexFields.DOC_ID, documentId));
      } catch (IOException | AlreadyClosedException e) {
        throw writeFailed("deleting document '" + documentId + "'", e);
      }
      pending.record(documentId, Optional.empty());
      return true;
    }
  }

  @Override
  public List<String> documentIds(Filter filter, int limit) {
    Objects.requireNonNull(filter, "filter");
    if (limit < 1) {
      throw new InvalidInputException("limit must be at least 1, got: " + limit);
    }
    requireOpen();
    return searchers.read((searcher, generation) -> {
      Query chunks = new BooleanQuery.Builder()
          .add(new TermQuery(new Term(IndexFields.KIND, IndexFields.KIND_CHUNK)), BooleanClause.Occur.FILTER)
          .add(FilterQueries.toQuery(filter), BooleanClause.Occur.FILTER)
          .build();
      java.util.TreeSet<String> ids = new java.util.TreeSet<>();
      org.apache.lucene.search.Weight weight =
          searcher.createWeight(searcher.rewrite(chunks), org.apache.lucene.search.ScoreMode.COMPLETE_NO_SCORES, 1f);
      for (org.apache.lucene.index.LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
        org.apache.lucene.search.Scorer scorer = weight.scorer(leaf);
        if (scorer == null) {
          continue;
        }
        org.apache.lucene.index.SortedDocValues docIds = org.apache.lucene.index.DocValues.getSorted(leaf.reader(), IndexFields.DOC_ID);
        org.apache.lucene.util.Bits live = leaf.reader().getLiveDocs();
        org.apache.lucene.search.DocIdSetIterator it = scorer.iterator();
        for (int doc = it.nextDoc(); doc != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
          if ((live == null || live.get(doc)) && docIds.advanceExact(doc)) {
            ids.add(docIds.lookupOrd(docIds.ordValue()).utf8ToString());
          }
        }
      }
      return ids.stream().limit(limit).toList();
    });
  }

  @Override
  public int segments() {
    requireOpen();
    return searchers.read((searcher, generation) -> searcher.getIndexReader().leaves().size());
  }

  @Override
  public void compact(int maxSegments) {
    if (maxSegments < 1) {
      throw new InvalidInputException("maxSegments must be at least 1, got: " + maxSegments);
    }
    requireOpen();
    try {
      writer().forceMerge(maxSegments, true);
      commit();
    } catch (IOException | AlreadyClosedException e) {
      throw writeFailed("merging into " + maxSegments + " segments", e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Every segment with a deleted document is rewritten (a single large segment too, so the cost
   * is that of rewriting those segments, vector graphs included), the result committed and made
   * visible, and the files of the old segments deleted. What is left counts deleted records in
   * the current segments and index files on disk that neither the last commit nor the current
   * searcher uses (those of old segments a search still held, or of a merge still running).
   */
  @Override
  public long purgeDeleted() {
    requireOpen();
    try {
      commit();
      writer().forceMergeDeletes(true);
      writer().commit();
      refresh();
      writer.deleteUnusedFiles();
      Set<String> committed = new HashSet<>(SegmentInfos.readLatestCommit(directory).files(true));
      return searchers.read((searcher, generation) -> {
        DirectoryReader reader = (DirectoryReader) searcher.getIndexReader();
        Set<String> used = new HashSet<>(committed);
        used.addAll(reader.getIndexCommit().getFileNames());
        long stale = 0;
        for (String file : directory.listAll()) {
          if (isIndexFile(file) && !used.contains(file)) {
            stale++;
          }
        }
        return reader.numDeletedDocs() + stale;
      });
    } catch (IOException | AlreadyClosedException e) {
      throw writeFailed("purging deleted documents", e);
    }
  }

  /** Files Lucene writes (segments and commit points), not the manifest or the write lock. */
  private static boolean isIndexFile(String file) {
    return file.startsWith("_") || file.startsWith(IndexFileNames.SEGMENTS)
        || file.startsWith(IndexFileNames.PENDING_SEGMENTS);
  }

  @Override
  public long refresh() {
    requireOpen();
    long mark = pending.mark();
    long generation = searchers.refresh();
    pending.visibleUpTo(mark);
    return generation;
  }

  /**
   * Refreshes, then commits everything written so far. The returned generation is the one the
   * refresh made visible: all of it is durable (writes after the refresh may be durable too).
   */
  @Override
  public long commit() {
    IndexWriter w = writer();
    long generation = refresh();
    try {
      w.commit();
    } catch (IOException | AlreadyClosedException e) {
      throw writeFailed("committing", e);
    }
    return generation;
  }

  @Override
  public Retriever lexical() {
    return lexical;
  }

  /** Approximate vector search with the saved {@link HnswConfig#efSearch()}. */
  @Override
  public Retriever vector() {
    return vector;
  }

  /**
   * Approximate vector search collecting {@code max(k, efSearch)} candidates: more candidates,
   * better recall, slower queries.
   */
  public Retriever vector(int efSearch) {
    return new VectorRetriever(searchers, vectorInput, efSearch);
  }

  /**
   * Exact (brute-force) vector search over every matching chunk: the reference for recall
   * measurements. Cost grows linearly with the number of chunks.
   */
  public Retriever exactVector() {
    return exactVector;
  }

  @Override
  public List<StoredChunk> load(List<String> chunkIds) {
    Objects.requireNonNull(chunkIds, "chunkIds");
    if (chunkIds.isEmpty()) {
      return List.of();
    }
    Set<String> distinct = new LinkedHashSet<>(chunkIds);
    List<BytesRef> terms = terms(distinct);
    Map<String, StoredChunk> found = searchers.read((searcher, generation) -> {
      TopDocs top = searcher.search(new TermInSetQuery(IndexFields.CHUNK_ID, terms), distinct.size());
      ScoreDoc[] hits = top.scoreDocs.clone();
      java.util.Arrays.sort(hits, (a, b) -> Integer.compare(a.doc, b.doc));
      StoredFields stored = searcher.storedFields();
      Map<String, StoredChunk> byId = new HashMap<>();
      for (ScoreDoc hit : hits) {
        StoredChunk chunk = ChunkDocuments.read(stored.document(hit.doc));
        byId.put(chunk.chunkId(), chunk);
      }
      return byId;
    });
    List<StoredChunk> out = new ArrayList<>(chunkIds.size());
    for (String id : chunkIds) {
      StoredChunk chunk = found.get(id);
      if (chunk != null) {
        out.add(chunk);
      }
    }
    return out;
  }

  private static List<BytesRef> terms(Set<String> chunkIds) {
    List<BytesRef> terms = new ArrayList<>(chunkIds.size());
    chunkIds.forEach(id -> terms.add(new BytesRef(id)));
    return terms;
  }

  @Override
  public List<StoredVector> vectors(List<String> chunkIds) {
    Objects.requireNonNull(chunkIds, "chunkIds");
    if (chunkIds.isEmpty()) {
      return List.of();
    }
    Set<String> distinct = new LinkedHashSet<>(chunkIds);
    List<BytesRef> terms = terms(distinct);
    Map<String, float[]> found = searchers.read((searcher, generation) -> {
      Query chunks = new BooleanQuery.Builder()
          .add(new TermQuery(new Term(IndexFields.KIND, IndexFields.KIND_CHUNK)), BooleanClause.Occur.FILTER)
          .add(new TermInSetQuery(IndexFields.CHUNK_ID, terms), BooleanClause.Occur.FILTER)
          .build();
      TopDocs top = searcher.search(chunks, distinct.size());
      int[] docs = new int[top.scoreDocs.length];
      for (int i = 0; i < docs.length; i++) {
        docs[i] = top.scoreDocs[i].doc;
      }
      float[][] vectors = RawVectors.vectors(searcher, docs);
      List<ScoredChunkRef> refs = ChunkRefs.resolve(searcher, docs, new float[docs.length]);
      Map<String, float[]> byId = new HashMap<>();
      for (int i = 0; i < docs.length; i++) {
        byId.put(refs.get(i).chunkId(), vectors[i]);
      }
      return byId;
    });
    List<StoredVector> out = new ArrayList<>(chunkIds.size());
    for (String id : chunkIds) {
      float[] vector = found.get(id);
      if (vector != null) {
        out.add(new StoredVector(id, vector.clone()));
      }
    }
    return out;
  }

  /** Counts as of the current searcher; size counts every file in the directory. */
  @Override
  public IndexStats stats() {
    return searchers.read((searcher, generation) -> new IndexStats(
        searcher.count(new TermQuery(new Term(IndexFields.KIND, IndexFields.KIND_DOCUMENT))),
        searcher.count(new TermQuery(new Term(IndexFields.KIND, IndexFields.KIND_CHUNK))),
        generation,
        sizeOnDisk()));
  }

  private long sizeOnDisk() throws IOException {
    long total = 0;
    for (String file : directory.listAll()) {
      try {
        total += directory.fileLength(file);
      } catch (NoSuchFileException | FileNotFoundException e) {
        // deleted by a merge while we listed
      }
    }
    return total;
  }

  /** Commits pending writes and releases the directory. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      IOUtils.close(searchers, writer, analyzer, directory);
    } catch (IOException e) {
      throw new StorageException("closing the index at " + dir + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "LuceneChunkIndex[" + dir + ", " + manifest().embedderId() + ", " + manifest().dimension() + "-d "
        + manifest().vectorEncoding() + "]";
  }

  private Object stripe(String documentId) {
    return writeStripes[Math.floorMod(documentId.hashCode(), WRITE_STRIPES)];
  }

  /** The writer, or a {@link ConflictException} when this index was opened read-only. */
  private IndexWriter writer() {
    if (writer == null) {
      throw new ConflictException("the index at " + dir + " is open read-only (another process writes it); "
          + "no change can be made through this handle");
    }
    return writer;
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("index at " + dir + " is closed");
    }
  }

  private StorageException writeFailed(String what, Exception e) {
    Throwable tragic = writer == null ? null : writer.getTragicException();
    if (e instanceof AlreadyClosedException && tragic == null && closed.get()) {
      throw new IllegalStateException("index at " + dir + " is closed", e);
    }
    String reason = tragic != null ? tragic.toString() : e.getMessage();
    return new StorageException(what + " in " + dir + " failed: " + reason, e);
  }
}
