package dev.quarry.store.document;

import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.tenant.TenantId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Durable ingestion state per document. Clients condition their writes on the document's {@code
 * version} ({@link DocumentSubmission#ifVersion}, {@link #delete}); workers condition theirs on its
 * {@code revision}, which every state change moves (see {@link DocumentRecord}). A stale version or
 * revision is a {@code ConflictException} naming both, a missing document a {@code
 * NotFoundException}.
 *
 * <p>Workers take work with {@link #claimDue}, one collection at a time, taking turns over tenants
 * and their collections ({@link #nextTenantDue}, {@link #nextCollectionDue}). A claim leases due
 * documents atomically (PostgreSQL: {@code FOR UPDATE SKIP LOCKED}; SQLite: its single writer), so
 * concurrent workers never get the same document. A worker that dies simply lets its lease lapse and the document becomes due again,
 * resuming from its last persisted stage.
 */
public interface DocumentStateStore {

  /** Failure reasons are cut to this many characters. */
  int MAX_REASON_LENGTH = 2000;

  /**
   * Records a document as received. New or changed content (or a resubmitted failed document) gets
   * the next revision, state {@link DocumentState#RECEIVED}, zero attempts and is due now. Unchanged
   * content keeps its state and revision ({@code changed == false}); only its job and expiry are
   * updated. The version moves when the content or the expiry differs from what was stored. A job's
   * submitted count grows either way. {@code NotFoundException} when the collection
   * or job does not exist in the document's tenant; {@code ConflictException} when {@code ifVersion}
   * does not match.
   */
  SubmitOutcome submit(DocumentSubmission submission);

  /**
   * {@link #submit} for many documents in one transaction: either every submission is recorded or,
   * when one fails, none is (the exception names the failing document). Documents of one call may
   * belong to different collections of one tenant; the same key twice is an {@code
   * InvalidInputException}.
   */
  List<SubmitOutcome> submitAll(List<DocumentSubmission> submissions);

  /** The content kept with a document, if it was submitted with content. */
  Optional<DocumentContent> content(DocumentKey key);

  Optional<DocumentRecord> find(DocumentKey key);

  /** Documents of a collection by id, optionally only those in {@code state}. */
  Page<DocumentRecord> list(CollectionKey collection, Optional<DocumentState> state, PageRequest page);

  StateCounts counts(CollectionKey collection);

  /** Bytes of content kept with the collection's documents (see {@link #content}). */
  long contentBytes(CollectionKey collection);

  /**
   * Admin method (all tenants): documents by state and how many are due, read in one snapshot. It
   * counts every document, so it costs a scan of the states; call it at scrape intervals, not per
   * request.
   */
  QueueCounts queue();

  /**
   * Moves a document forward to {@code next} (any later stage up to {@link DocumentState#INDEXED}),
   * clearing its failure and attempts. A non-terminal document keeps its lease; an indexed one is no
   * longer due. Moving backwards, sideways or to {@code FAILED} is a {@code ConflictException}.
   */
  DocumentRecord advance(DocumentKey key, long expectedRevision, DocumentState next);

  /**
   * {@link #advance} for many documents in one transaction, for workers moving a batch: each
   * document whose revision is the expected one and whose state is before {@code next} moves there;
   * the others (changed, deleted, or already at or past {@code next}) are left as they are and out
   * of the result. Returns the advanced records by key.
   */
  java.util.Map<DocumentKey, DocumentRecord> advanceAll(java.util.Map<DocumentKey, Long> expectedRevisions, DocumentState next);

  /**
   * Records a failed attempt. With {@code retryAfter} the document stays in its stage and becomes
   * due again after that delay (see {@link RetryPolicy#delayAfter}); without it the document is
   * {@link DocumentState#FAILED}. The reason is kept (cut to {@value #MAX_REASON_LENGTH} characters).
   */
  DocumentRecord fail(DocumentKey key, long expectedRevision, String reason, Optional<Duration> retryAfter);

  /** Puts a failed document back to {@code RECEIVED}, due now; {@code ConflictException} if not failed. */
  DocumentRecord retry(DocumentKey key);

  /** Puts every failed document of a collection back to {@code RECEIVED}; returns how many. */
  int retryFailed(CollectionKey collection);

  /**
   * Deletes a document's state. False when there was none; {@code ConflictException} when {@code
   * ifVersion} is given and does not match.
   */
  boolean delete(DocumentKey key, OptionalLong ifVersion);

  /**
   * Worker method (all tenants): whose turn it is after {@code after} in a round-robin over the
   * tenants that have due documents: the first such tenant by id after {@code after}, else,
   * wrapping around, the first such tenant (possibly {@code after} itself). Empty when nothing is
   * due. Workers take turns this way so that one tenant's large job delays another tenant's work by
   * at most one batch.
   */
  Optional<TenantId> nextTenantDue(Optional<TenantId> after);

  /**
   * Worker method: like {@link #nextTenantDue}, over the collections of {@code tenant} that have due
   * documents (by name).
   */
  Optional<String> nextCollectionDue(TenantId tenant, Optional<String> after);

  /**
   * Worker method: leases up to {@code limit} due documents of {@code collection}, oldest due first,
   * returned by id. Each claimed document's attempts and revision grow by one and it is not due
   * again until {@code lease} has passed. The returned records carry the new revision, to pass to
   * {@link #advance} or {@link #fail}. Concurrent claims never return the same document.
   */
  List<DocumentRecord> claimDue(CollectionKey collection, int limit, Duration lease);

  /**
   * Start-up method for a store that only one process works on (the embedded SQLite default):
   * makes every claimed or backing-off document due now, since no claim of a previous process can
   * still be running. Returns how many documents were released. Never call it while another
   * process may be working on the store.
   */
  int releaseClaims();

  /** Worker method (all tenants): up to {@code limit} documents whose expiry has passed. */
  List<DocumentRecord> expired(int limit);
}
