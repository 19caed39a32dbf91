package dev.quarry.store;

import dev.quarry.store.collection.CollectionStore;
import dev.quarry.store.document.DocumentStateStore;
import dev.quarry.store.erasure.ErasureStore;
import dev.quarry.store.evaluation.EvaluationStore;
import dev.quarry.store.experiment.ExperimentStore;
import dev.quarry.store.idempotency.IdempotencyStore;
import dev.quarry.store.job.JobStore;
import dev.quarry.store.key.ApiKeyStore;
import dev.quarry.store.ledger.LedgerStore;
import dev.quarry.store.memory.MemoryStore;
import dev.quarry.store.session.SessionStore;
import dev.quarry.store.tenant.TenantStore;
import dev.quarry.store.tool.ToolStore;
import dev.quarry.store.usage.UsageStore;

/**
 * The server's durable state, one small store per concept. Implementations: SQLite (embedded
 * default, {@code dev.quarry.store.jdbc.SqliteStore}) and PostgreSQL (scaled deployments, {@code
 * dev.quarry.store.jdbc.PostgresStore}); both pass the same contract tests.
 *
 * <p>Tenant isolation is enforced here, below any handler: every method that reads or changes a
 * tenant's data takes the tenant (directly or inside a key such as {@code CollectionKey}) and puts it
 * in the statement's WHERE clause, so another tenant's ids find nothing. The few methods that take
 * no tenant are for administrators and background workers and say so.
 *
 * <p>Failures are core's typed exceptions: {@code InvalidInputException} for bad arguments, {@code
 * NotFoundException} when a named parent is missing, {@code ConflictException} for duplicates and
 * version mismatches, {@code StorageException} (retryable) when the database fails or is
 * unreachable. Absent rows on reads are {@code Optional.empty()}, not exceptions.
 */
public interface Store extends AutoCloseable {

  TenantStore tenants();

  ApiKeyStore apiKeys();

  CollectionStore collections();

  DocumentStateStore documents();

  JobStore jobs();

  IdempotencyStore idempotency();

  ErasureStore erasures();

  UsageStore usage();

  /** Chat sessions and their turns. */
  SessionStore sessions();

  /** End users' long-term memories. */
  MemoryStore memories();

  /** Judgment sets and evaluation jobs. */
  EvaluationStore evaluations();

  /** Online experiments, their impressions and the feedback on them. */
  ExperimentStore experiments();

  /** Tenants' registered tools and their host allow-lists. */
  ToolStore tools();

  /** The ledger of model calls, the tenants' budgets and what their windows hold. */
  LedgerStore ledger();

  /**
   * Moves the bytes of deleted rows out of the database's files as far as this database can (see
   * {@link #deletedRows()}). False when it could not finish now (a reader kept SQLite's log in use):
   * call again later. Administrators and background workers only (all tenants).
   */
  boolean purgeDeleted();

  /** What {@link #purgeDeleted()} achieves on this database. */
  DeletedRows deletedRows();

  /** The highest migration applied to the database, e.g. 1. */
  int schemaVersion();

  /** Runs a trivial query; throws {@code StorageException} when the database cannot answer. */
  void ping();

  /** Closes connections. Idempotent. */
  @Override
  void close();
}
