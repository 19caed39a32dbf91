package dev.quarry.server.ingest;

import dev.quarry.server.config.IngestConfig;
import dev.quarry.core.document.Document;
import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.error.QuarryException;
import dev.quarry.core.index.Filter;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.engine.Collection;
import dev.quarry.engine.ingest.DocumentSource;
import dev.quarry.engine.ingest.DocumentStages;
import dev.quarry.engine.ingest.IngestReport;
import dev.quarry.engine.ingest.Rejection;
import dev.quarry.server.metrics.Metrics;
import dev.quarry.server.observe.Tracing;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.server.usage.UsageMeter;
import dev.quarry.store.PageRequest;
import dev.quarry.store.Page;
import dev.quarry.store.Store;
import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.collection.SettingsJson;
import dev.quarry.store.document.DocumentContent;
import dev.quarry.store.document.DocumentKey;
import dev.quarry.store.document.DocumentRecord;
import dev.quarry.store.document.DocumentState;
import dev.quarry.store.document.ClaimTurns;
import dev.quarry.store.document.DocumentSubmission;
import dev.quarry.store.document.SubmitOutcome;
import dev.quarry.store.job.IngestionJob;
import dev.quarry.store.usage.Meter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Durable ingestion: every document is recorded in the store, with its content, before it is
 * acknowledged, then moves through received, parsed, chunked, embedded and indexed (or failed with a
 * reason), each state persisted as it is reached.
 *
 * <p>Batches are queued and processed by the {@link IngestionWorker}, which claims them in turns
 * over tenants and their collections ({@link ClaimTurns}); a synchronous upsert claims its document
 * at submission and processes it on the request's thread. Either way processing runs
 * under the collection's {@link WriteLocks write lock} and first re-reads its claims: a document
 * deleted or resubmitted since it was claimed is left alone, so an acknowledged delete is never
 * undone and the newest content wins.
 *
 * <p>Crash safety: a crash at any point leaves each acknowledged document in the store with its
 * content and its last persisted state; its claim lapses after the lease and a worker takes it
 * again. Indexing is an upsert by document id, so a document indexed just before a crash and
 * indexed again after it exists once.
 */
public final class Ingestion {

  /** A document after processing, and the chunks it was indexed as (0 when unchanged or failed). */
  public record Processed(DocumentRecord document, long chunks) {}

  private static final System.Logger LOG = System.getLogger(Ingestion.class.getName());
  private static final int PAGE = 500;

  private final Store store;
  private final TenantCollections collections;
  private final WriteLocks locks;
  private final Contents contents;
  private final IngestConfig settings;
  private final Metrics metrics;
  private final Tracing tracing;
  private final UsageMeter usage;
  private volatile Runnable onSubmitted = () -> {};
  private final Compaction compaction;
  private final ClaimTurns turns;
  private final JobWaits waits = new JobWaits(System::nanoTime, JobWaits.RECHECK);

  /** Ingestion that traces each batch the worker processes with {@code tracing}. */
  public Ingestion(Store store, TenantCollections collections, WriteLocks locks, Contents contents,
      IngestConfig settings, Metrics metrics, Tracing tracing, UsageMeter usage) {
    this.store = store;
    this.collections = collections;
    this.locks = locks;
    this.contents = contents;
    this.settings = settings;
    this.compaction = new Compaction(collections.engine(), locks);
    this.turns = new ClaimTurns(store.documents());
    this.metrics = metrics;
    this.tracing = java.util.Objects.requireNonNull(tracing, "tracing");
    this.usage = usage;
  }

  public IngestConfig settings() {
    return settings;
  }

  public Contents contents() {
    return contents;
  }

  /** Called after every batch submission (the worker wakes up). */
  void onSubmitted(Runnable wake) {
    this.onSubmitted = wake;
  }

  /**
   * At start-up: every collection in the store is a candidate for compaction once the server has
   * been quiet for a while, since an earlier run may have stopped before compacting what it wrote.
   */
  void considerAllForCompaction() {
    for (dev.quarry.store.tenant.Tenant t : store.tenants().list()) {
      for (dev.quarry.store.collection.CollectionRecord c : store.collections().list(t.id())) {
        try {
          locks.assumeWritten(new TenantCollection(t.id(), c.key().name()).engineName());
        } catch (dev.quarry.core.error.InvalidInputException notAnApiName) {
          // not a collection the API serves (its tenant predates the API's naming rule)
        }
      }
    }
  }

  /** Worker step: merges collections that stopped changing into one segment (see {@link Compaction}). */
  public int compactQuiet() {
    return compaction.run();
  }

  /** Makes the worker look for due work now (after a retry was requested, for example). */
  public void wakeWorker() {
    onSubmitted.run();
  }

  /** The store's key of a tenant collection. */
  public static CollectionKey key(TenantCollection c) {
    return CollectionKey.of(c.tenant(), c.name());
  }

  /**
   * Makes sure the store knows an engine collection (created through the API, or by an earlier
   * version that kept collections in the engine only).
   */
  public void ensureStored(TenantCollection c, Collection collection) {
    CollectionKey key = key(c);
    if (store.collections().find(key).isEmpty()) {
      store.collections().put(key, SettingsJson.of("{\"model\":\"" + collection.manifest().embedderId() + "\"}"));
    }
  }

  /**
   * Records one document and ingests it on this thread. Unchanged content is not processed again;
   * a document another writer is already processing is left to it. The caller checked the content
   * ({@link Contents#problem}); should the engine still reject it (state failed), a document this
   * call created is deleted again, so the rejected write leaves nothing behind, and a rejected
   * document is not metered.
   */
  public Processed submitAndProcess(TenantCollection c, DocumentSubmission submission) {
    Collection collection = collections.existing(c);
    ensureStored(c, collection);
    SubmitOutcome out = store.documents().submit(submission.claimedFor(settings.lease()));
    if (!out.changed()) {
      countSubmitted(c, List.of(submission));
      return new Processed(out.document(), 0);
    }
    Map<String, Processed> done = process(c, collection, List.of(out.document()));
    Processed p = done.get(submission.key().id());
    p = p != null ? p : new Processed(store.documents().find(submission.key()).orElse(out.document()), 0);
    if (p.document().state() != DocumentState.FAILED) {
      countSubmitted(c, List.of(submission));
    } else if (out.created()) {
      DocumentRecord rejected = p.document();
      locks.with(c.engineName(), () -> {
        try {
          return store.documents().delete(rejected.key(), OptionalLong.of(rejected.version()));
        } catch (ConflictException changedSince) {
          return false; // written again meanwhile: that write decides
        }
      });
    }
    return p;
  }

  /** Records a batch as a new job (all or nothing) and wakes the worker; returns the job. */
  public IngestionJob submitBatch(TenantCollection c, List<DocumentSubmission> submissions) {
    Collection collection = collections.existing(c);
    ensureStored(c, collection);
    IngestionJob job = store.jobs().create(key(c));
    try {
      store.documents().submitAll(submissions.stream().map(s -> s.inJob(job.id())).toList());
      countSubmitted(c, submissions);
    } finally {
      finishIfDone(c.tenant(), job.id());
    }
    onSubmitted.run();
    return store.jobs().find(c.tenant(), job.id()).orElse(job);
  }

  /** Meters documents the store accepted: how many, and their content bytes. */
  private void countSubmitted(TenantCollection c, List<DocumentSubmission> accepted) {
    long bytes = 0;
    for (DocumentSubmission s : accepted) {
      bytes += s.content().map(content -> (long) content.body().length).orElse(0L);
    }
    usage.count(c.tenant(), Meter.DOCUMENTS_SUBMITTED, accepted.size());
    usage.count(c.tenant(), Meter.BYTES_UPLOADED, bytes);
  }

  /**
   * Worker step: claims up to a batch of due documents of the collection whose turn it is ({@link
   * ClaimTurns}: round-robin over tenants, then over each tenant's collections) and processes them,
   * traced as one root span. Returns how many were claimed.
   */
  public int processDue() {
    List<DocumentRecord> due = turns.claim(settings.batchDocuments(), settings.lease());
    if (due.isEmpty()) {
      return 0;
    }
    CollectionKey key = due.getFirst().key().collection();
    TenantCollection c = new TenantCollection(key.tenant(), key.name());
    Optional<Collection> collection = collections.engine().find(c.engineName());
    if (collection.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "collection " + c.engineName() + " has queued documents but no index");
    } else {
      tracing.ingestBatch(c.tenant().value(), c.name(), due.size(), () -> process(c, collection.get(), due));
    }
    return due.size();
  }

  /**
   * Waits until {@code job} is done (signalled by the worker when it finishes the job's last
   * document), {@code timeout} passes, or the server shuts down ({@link #endWaits}).
   */
  public JobWait awaitJob(IngestionJob job, Duration timeout) {
    return waits.await(job, timeout, j -> store.jobs().find(j.collection().tenant(), j.id()).orElse(j));
  }

  /** At shutdown: every {@link #awaitJob} ends now, and later ones at once. */
  public void endWaits() {
    waits.close();
  }

  private Map<String, Processed> process(TenantCollection c, Collection collection, List<DocumentRecord> claimed) {
    Map<String, Processed> out = locks.with(c.engineName(), () -> new Batch(c, collection).run(claimed));
    Set<String> jobs = new HashSet<>();
    claimed.forEach(d -> d.jobId().ifPresent(jobs::add));
    jobs.forEach(job -> finishIfDone(c.tenant(), job));
    return out;
  }

  private void finishIfDone(dev.quarry.store.tenant.TenantId tenant, String jobId) {
    store.jobs().find(tenant, jobId).map(j -> stampIfDone(store, j)).filter(IngestionJob::done)
        .ifPresent(j -> waits.finished(tenant, jobId));
  }

  /**
   * The job, stamped finished if its last document has finished and nobody stamped it yet (the
   * first stamp's time is kept). The worker stamps after each batch; readers stamp too, so a done
   * job read in between still shows its finish time.
   */
  public static IngestionJob stampIfDone(Store store, IngestionJob job) {
    return job.done() && job.finishedAt().isEmpty() ? store.jobs().finish(job.collection().tenant(), job.id()) : job;
  }

  /** One locked pass over claimed documents of one collection. */
  private final class Batch {
    private final TenantCollection c;
    private final Collection collection;
    private final Map<String, Long> revisions = new ConcurrentHashMap<>();
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    private final Map<String, DocumentState> states = new ConcurrentHashMap<>();
    private final Set<String> gone = ConcurrentHashMap.newKeySet();
    private final Map<String, Processed> out = new LinkedHashMap<>();

    Batch(TenantCollection c, Collection collection) {
      this.c = c;
      this.collection = collection;
    }

    Map<String, Processed> run(List<DocumentRecord> claimed) {
      List<Document> docs = new ArrayList<>();
      for (DocumentRecord claim : claimed) {
        Optional<DocumentRecord> now = store.documents().find(claim.key());
        if (now.isEmpty() || now.get().revision() != claim.revision()) {
          continue; // deleted or resubmitted since it was claimed: the newer state wins
        }
        String id = claim.key().id();
        revisions.put(id, claim.revision());
        attempts.put(id, claim.attempts());
        states.put(id, claim.state());
        Optional<DocumentContent> content = store.documents().content(claim.key());
        ParseOutcome parsed = content.isPresent()
            ? contents.parse(id, content.get())
            : new ParseOutcome.Rejected(id, "the store holds no content for this document");
        switch (parsed) {
          case ParseOutcome.Rejected r -> failPermanently(id, r.reason());
          case ParseOutcome.Parsed p -> docs.add(p.document());
        }
      }
      advance(ids(docs), DocumentState.PARSED);
      if (docs.isEmpty()) {
        return out;
      }
      try {
        IngestReport report = collection.ingest(source(docs), new DocumentStages() {
          @Override
          public void chunked(List<String> ids) {
            advance(ids, DocumentState.CHUNKED);
          }

          @Override
          public void embedded(List<String> ids) {
            advance(ids, DocumentState.EMBEDDED);
          }
        });
        Map<String, String> rejected = new LinkedHashMap<>();
        for (Rejection r : report.rejected()) {
          rejected.put(r.location(), r.reason());
        }
        long chunksEach = docs.size() == 1 ? report.chunks() : 0;
        List<String> indexed = new ArrayList<>();
        for (Document d : docs) {
          String reason = rejected.get(d.id());
          if (reason != null) {
            failPermanently(d.id(), reason);
          } else {
            indexed.add(d.id());
          }
        }
        List<DocumentRecord> advanced = advance(indexed, DocumentState.INDEXED);
        advanced.forEach(r -> out.put(r.key().id(), new Processed(r, chunksEach)));
        metrics.documentsIndexed(report.indexed());
        usage.count(c.tenant(), Meter.DOCUMENTS_INDEXED, advanced.size());
      } catch (RuntimeException e) {
        boolean retryable = !(e instanceof QuarryException q) || q.code().retryable();
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        LOG.log(System.Logger.Level.WARNING, "ingesting " + docs.size() + " documents into " + c.engineName()
            + " failed" + (retryable ? " (will retry)" : "") + ": " + reason);
        for (Document d : docs) {
          Optional<Duration> retry = retryable
              ? settings.retry().delayAfter(Math.max(1, attempts.getOrDefault(d.id(), 1)))
              : Optional.empty();
          fail(d.id(), reason, retry);
        }
      }
      return out;
    }

    /**
     * Records, in one store transaction, that documents reached {@code next}. A document resumed
     * after a crash may already be past it (its state is the furthest it got): it stays there and
     * is redone from its content. A document changed or deleted since it was claimed is dropped
     * from the batch's bookkeeping: the newer submission is processed on its own.
     */
    private List<DocumentRecord> advance(List<String> ids, DocumentState next) {
      Map<DocumentKey, Long> expected = new LinkedHashMap<>();
      for (String id : ids) {
        DocumentState current = states.get(id);
        if (!gone.contains(id) && (current == null || current.ordinal() < next.ordinal())) {
          expected.put(DocumentKey.of(key(c), id), revisions.get(id));
        }
      }
      Map<DocumentKey, DocumentRecord> moved = store.documents().advanceAll(expected, next);
      for (DocumentKey k : expected.keySet()) {
        DocumentRecord r = moved.get(k);
        if (r == null) {
          gone.add(k.id());
        } else {
          revisions.put(k.id(), r.revision());
          states.put(k.id(), r.state());
        }
      }
      return List.copyOf(moved.values());
    }

    private void failPermanently(String id, String reason) {
      fail(id, reason, Optional.empty());
    }

    private void fail(String id, String reason, Optional<Duration> retryAfter) {
      if (gone.contains(id)) {
        return;
      }
      try {
        DocumentRecord r = store.documents().fail(DocumentKey.of(key(c), id), revisions.get(id), reason, retryAfter);
        revisions.put(id, r.revision());
        out.put(id, new Processed(r, 0));
      } catch (ConflictException | NotFoundException e) {
        gone.add(id);
      }
    }
  }

  private static List<String> ids(List<Document> docs) {
    return docs.stream().map(Document::id).toList();
  }

  private static DocumentSource source(List<Document> docs) {
    return new DocumentSource() {
      @Override
      public long totalBytes() {
        return 0;
      }

      @Override
      public void emit(Consumer<ParseOutcome> sink, LongConsumer bytesRead) {
        docs.forEach(d -> sink.accept(new ParseOutcome.Parsed(d)));
      }
    };
  }

  // ---- deletion --------------------------------------------------------------------------------

  /**
   * Deletes a document from the store and the index, durably and visibly before returning. False
   * when it existed in neither. {@code ConflictException} when {@code ifVersion} does not match.
   */
  public boolean delete(TenantCollection c, String id, OptionalLong ifVersion) {
    Collection collection = collections.existing(c);
    return locks.with(c.engineName(), () -> {
      boolean stored = store.documents().delete(DocumentKey.of(key(c), id), ifVersion);
      boolean indexed = collection.deleteAll(List.of(id)) > 0;
      return stored || indexed;
    });
  }

  /**
   * Deletes every document matching {@code filter}: those indexed (found through the index) and
   * those still in ingestion or failed (their stored content is parsed and matched), so none of
   * them can appear later. Returns how many documents were deleted.
   */
  public long deleteMatching(TenantCollection c, Filter filter) {
    Collection collection = collections.existing(c);
    return locks.with(c.engineName(), () -> {
      Set<String> deleted = new HashSet<>();
      while (true) {
        List<String> ids = collection.documentIds(filter, 1000);
        if (ids.isEmpty()) {
          break;
        }
        for (String id : ids) {
          store.documents().delete(DocumentKey.of(key(c), id), OptionalLong.empty());
        }
        collection.deleteAll(ids);
        deleted.addAll(ids);
      }
      for (DocumentState state : DocumentState.values()) {
        if (state == DocumentState.INDEXED) {
          continue;
        }
        for (DocumentRecord d : all(key(c), state)) {
          Optional<DocumentContent> content = store.documents().content(d.key());
          if (content.isPresent()
              && contents.parse(d.key().id(), content.get()) instanceof ParseOutcome.Parsed p
              && filter.matches(p.document().metadata())
              && store.documents().delete(d.key(), OptionalLong.empty())) {
            deleted.add(d.key().id());
          }
        }
      }
      return (long) deleted.size();
    });
  }

  private List<DocumentRecord> all(CollectionKey key, DocumentState state) {
    List<DocumentRecord> out = new ArrayList<>();
    PageRequest page = PageRequest.first(PAGE);
    while (true) {
      Page<DocumentRecord> p = store.documents().list(key, Optional.of(state), page);
      out.addAll(p.items());
      if (p.next().isEmpty()) {
        return out;
      }
      page = page.next(p);
    }
  }

  /** Deletes chat sessions past their expiry (up to {@code limit}); returns how many. */
  public int deleteExpiredSessions(int limit) {
    return store.sessions().deleteExpired(limit);
  }

  /**
   * Deletes jobs that finished more than {@code ingest.job_retention} ago (up to {@code limit},
   * every tenant); returns how many.
   */
  public int deleteOldJobs(int limit) {
    return store.jobs().deleteFinishedOlderThan(settings.jobRetention(), limit);
  }

  /** Deletes documents whose expiry has passed (up to {@code limit}); returns how many. */
  public int expire(int limit) {
    List<DocumentRecord> expired = store.documents().expired(limit);
    Map<CollectionKey, List<DocumentRecord>> byCollection = new LinkedHashMap<>();
    expired.forEach(d -> byCollection.computeIfAbsent(d.key().collection(), k -> new ArrayList<>()).add(d));
    int count = 0;
    for (Map.Entry<CollectionKey, List<DocumentRecord>> e : byCollection.entrySet()) {
      TenantCollection c = new TenantCollection(e.getKey().tenant(), e.getKey().name());
      Optional<Collection> collection = collections.engine().find(c.engineName());
      count += locks.with(c.engineName(), () -> {
        List<String> ids = new ArrayList<>();
        for (DocumentRecord d : e.getValue()) {
          try {
            if (store.documents().delete(d.key(), OptionalLong.of(d.version()))) {
              ids.add(d.key().id());
            }
          } catch (ConflictException changed) {
            // resubmitted since it was listed: its new expiry decides
          }
        }
        collection.ifPresent(col -> col.deleteAll(ids));
        return ids.size();
      });
    }
    return count;
  }
}
