package dev.quarry.engine.ingest;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.chunk.Chunker;
import dev.quarry.core.document.Document;
import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.error.QuarryException;
import dev.quarry.core.error.StorageException;
import dev.quarry.core.index.ChunkIndex;
import dev.quarry.core.observe.Stage;
import dev.quarry.core.observe.StageObserver;
import dev.quarry.core.observe.StageTimer;
import dev.quarry.core.observe.TaskObserver;
import dev.quarry.core.parse.ParseOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Parse → chunk → embed → index, as three overlapping stages so the embedder (the bottleneck)
 * never waits for parsing or indexing:
 *
 * <ol>
 *   <li>the calling thread parses, skips documents whose content hash is already indexed, chunks,
 *       and gathers batches of about {@link IngestSettings#batchChunks()} chunks;
 *   <li>an embed thread embeds each batch (the embedder spreads a batch over its sessions);
 *   <li>an index thread replaces each document's chunks atomically, committing every {@link
 *       IngestSettings#commitEveryDocuments()} documents and at the end.
 * </ol>
 *
 * Queues between stages hold two batches, which bounds memory. A failure in any stage stops the
 * others and is rethrown; whatever was committed stays intact, and a re-run skips it.
 *
 * <p>Stage times go to a {@link StageObserver}: parse and chunk per document on the calling thread
 * (parse being the time the source took to hand over the next document), embed and index per
 * batch on their threads, and the final commit as index. The CPU of the calling thread's stages is
 * unknown when it is a virtual thread. The embed and index threads carry the caller's {@link
 * TaskObserver}, so their stages are attributed to the caller's task.
 */
public final class IngestPipeline {

  private final ChunkIndex index;
  private final Chunker chunker;
  private final Embedder embedder;
  private final IngestSettings settings;
  private final StageObserver observer;

  public IngestPipeline(ChunkIndex index, Chunker chunker, Embedder embedder, IngestSettings settings) {
    this(index, chunker, embedder, settings, StageObserver.NONE);
  }

  public IngestPipeline(
      ChunkIndex index, Chunker chunker, Embedder embedder, IngestSettings settings, StageObserver observer) {
    this.index = index;
    this.chunker = chunker;
    this.embedder = embedder;
    this.settings = settings;
    this.observer = java.util.Objects.requireNonNull(observer, "observer");
  }

  /** One unit of work between stages: documents with their chunks and, once embedded, vectors. */
  private record Batch(List<Document> documents, List<List<Chunk>> chunks, float[][] vectors) {
    static final Batch END = new Batch(List.of(), List.of(), new float[0][]);

    int chunkCount() {
      return chunks.stream().mapToInt(List::size).sum();
    }
  }

  public IngestReport run(DocumentSource source, ProgressListener progress) {
    return run(source, progress, DocumentStages.NONE);
  }

  /** {@link #run(DocumentSource, ProgressListener)}, telling {@code stages} as documents advance. */
  public IngestReport run(DocumentSource source, ProgressListener progress, DocumentStages stages) {
    long startNanos = System.nanoTime();
    BlockingQueue<Batch> toEmbed = new ArrayBlockingQueue<>(2);
    BlockingQueue<Batch> toIndex = new ArrayBlockingQueue<>(2);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] embedNanos = {0};
    long[] indexed = {0};
    long[] chunkCount = {0};

    Thread embedStage = Thread.ofPlatform().name("quarry-ingest-embed").start(TaskObserver.carried(() -> {
      try {
        for (Batch b = toEmbed.take(); b != Batch.END; b = toEmbed.take()) {
          List<String> texts = new ArrayList<>(b.chunkCount());
          b.chunks().forEach(cs -> cs.forEach(c -> texts.add(c.embeddingText())));
          long t0 = System.nanoTime();
          float[][] vectors = texts.isEmpty() ? new float[0][]
              : StageTimer.time(observer, Stage.EMBED_DOCUMENTS, () -> embedder.embed(texts, InputKind.DOCUMENT));
          embedNanos[0] += System.nanoTime() - t0;
          stages.embedded(ids(b.documents()));
          toIndex.put(new Batch(b.documents(), b.chunks(), vectors));
        }
        putOrAbort(toIndex, Batch.END, failure);
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
        putQuietly(toIndex, Batch.END); // failing: pending batches may be dropped
        drainUntilEnd(toEmbed); // unblocks the producer
      }
    }));
    Thread indexStage = Thread.ofPlatform().name("quarry-ingest-index").start(TaskObserver.carried(() -> {
      try {
        long sinceCommit = 0;
        for (Batch b = toIndex.take(); b != Batch.END; b = toIndex.take()) {
          StageTimer timer = StageTimer.start(observer);
          int offset = 0;
          for (int i = 0; i < b.documents().size(); i++) {
            List<Chunk> cs = b.chunks().get(i);
            float[][] vs = java.util.Arrays.copyOfRange(b.vectors(), offset, offset + cs.size());
            offset += cs.size();
            index.upsert(b.documents().get(i), cs, vs);
            indexed[0]++;
            chunkCount[0] += cs.size();
            if (++sinceCommit >= settings.commitEveryDocuments()) {
              index.commit();
              sinceCommit = 0;
            }
          }
          timer.stop(Stage.INDEX);
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
        drainUntilEnd(toIndex); // unblocks the embed stage
      }
    }));

    List<Rejection> rejected = new ArrayList<>();
    long[] documents = {0};
    long[] unchanged = {0};
    long[] bytes = {0};
    List<Document> docs = new ArrayList<>();
    List<List<Chunk>> chunks = new ArrayList<>();
    int[] pending = {0};
    // parse time is the time the source takes between handing over one outcome and the next
    StageTimer[] parsing = {StageTimer.start(observer)};
    try {
      source.emit(
          outcome -> {
            parsing[0].stop(Stage.PARSE);
            if (failure.get() != null) {
              throw new PipelineAborted();
            }
            switch (outcome) {
              case ParseOutcome.Rejected r -> rejected.add(new Rejection(r.location(), r.reason()));
              case ParseOutcome.Parsed p -> {
                documents[0]++;
                Document d = p.document();
                StageTimer chunking = StageTimer.start(observer);
                Optional<String> known = index.contentHash(d.id());
                if (known.isPresent() && known.get().equals(d.contentHash())) {
                  chunking.stop(Stage.CHUNK);
                  unchanged[0]++;
                } else {
                  List<Chunk> cs = chunker.chunk(d);
                  chunking.stop(Stage.CHUNK);
                  if (cs.isEmpty()) {
                    rejected.add(new Rejection(d.source().isEmpty() ? d.id() : d.source(), "no text to index"));
                  } else {
                    docs.add(d);
                    chunks.add(cs);
                    pending[0] += cs.size();
                    if (pending[0] >= settings.batchChunks()) {
                      stages.chunked(ids(docs));
                      putOrAbort(toEmbed, new Batch(List.copyOf(docs), List.copyOf(chunks), null), failure);
                      docs.clear();
                      chunks.clear();
                      pending[0] = 0;
                    }
                  }
                }
              }
            }
            parsing[0] = StageTimer.start(observer);
          },
          read -> {
            bytes[0] = read;
            progress.progress(read, source.totalBytes(), documents[0]);
          });
      if (!docs.isEmpty()) {
        stages.chunked(ids(docs));
        putOrAbort(toEmbed, new Batch(List.copyOf(docs), List.copyOf(chunks), null), failure);
      }
      putOrAbort(toEmbed, Batch.END, failure);
    } catch (PipelineAborted aborted) {
      // a stage failed; its failure is rethrown below
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    } finally {
      if (failure.get() != null) {
        putQuietly(toEmbed, Batch.END); // failing: pending batches may be dropped
      }
      joinQuietly(embedStage);
      joinQuietly(indexStage);
    }
    long generation;
    try {
      StageTimer committing = StageTimer.start(observer);
      index.commit();
      // the generation a search reads next: a commit itself moves the reader version on
      generation = index.refresh();
      committing.stop(Stage.INDEX);
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
      generation = -1;
    }
    Throwable t = failure.get();
    if (t != null) {
      throw t instanceof QuarryException q ? q
          : t instanceof RuntimeException r ? r
          : new StorageException("ingestion failed: " + t, t);
    }
    progress.progress(source.totalBytes(), source.totalBytes(), documents[0]);
    return new IngestReport(documents[0], indexed[0], unchanged[0], chunkCount[0], rejected,
        Duration.ofNanos(System.nanoTime() - startNanos), embedNanos[0] / 1e9, generation);
  }

  private static List<String> ids(List<Document> documents) {
    return documents.stream().map(Document::id).toList();
  }

  private static final class PipelineAborted extends RuntimeException {
    PipelineAborted() {
      super("pipeline aborted", null, false, false);
    }
  }

  private static void putOrAbort(BlockingQueue<Batch> q, Batch b, AtomicReference<Throwable> failure) {
    try {
      while (!q.offer(b, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        if (failure.get() != null) {
          throw new PipelineAborted();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PipelineAborted();
    }
  }

  /** Hands the end marker on when the pipeline is failing, dropping pending work if the queue is full. */
  private static void putQuietly(BlockingQueue<Batch> q, Batch b) {
    while (!q.offer(b)) {
      q.poll();
    }
  }

  private static void drainUntilEnd(BlockingQueue<Batch> q) {
    try {
      while (q.take() != Batch.END) {
        // discard: the pipeline is failing
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void joinQuietly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
