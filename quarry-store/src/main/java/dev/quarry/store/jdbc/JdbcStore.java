package dev.quarry.store.jdbc;

import dev.quarry.store.DeletedRows;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
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

/** The {@link Store} of one database: the concept stores over one {@link Database}. */
final class JdbcStore implements Store {

  private final Database db;
  private final int schemaVersion;
  private final TenantStore tenants;
  private final ApiKeyStore apiKeys;
  private final CollectionStore collections;
  private final DocumentStateStore documents;
  private final JobStore jobs;
  private final IdempotencyStore idempotency;
  private final ErasureStore erasures;
  private final UsageStore usage;
  private final SessionStore sessions;
  private final MemoryStore memories;
  private final EvaluationStore evaluations;
  private final ExperimentStore experiments;
  private final ToolStore tools;
  private final LedgerStore ledger;

  /** Migrates {@code db} and wraps it; closes {@code db} when migrating fails. */
  static Store open(Database db, StoreOptions options) {
    int version;
    try {
      version = Migrations.apply(db, options.now());
    } catch (RuntimeException e) {
      try {
        db.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return new JdbcStore(db, options, version);
  }

  /** The database under this store, for tests that need its rows. */
  Database database() {
    return db;
  }

  private JdbcStore(Database db, StoreOptions options, int schemaVersion) {
    this.db = db;
    this.schemaVersion = schemaVersion;
    this.tenants = new JdbcTenantStore(db, options);
    this.apiKeys = new JdbcApiKeyStore(db, options);
    this.collections = new JdbcCollectionStore(db, options);
    this.documents = new JdbcDocumentStateStore(db, options);
    this.jobs = new JdbcJobStore(db, options);
    this.idempotency = new JdbcIdempotencyStore(db, options);
    this.erasures = new JdbcErasureStore(db, options);
    this.usage = new JdbcUsageStore(db);
    this.sessions = new JdbcSessionStore(db, options);
    this.memories = new JdbcMemoryStore(db, options);
    this.evaluations = new JdbcEvaluationStore(db, options);
    this.experiments = new JdbcExperimentStore(db, options);
    this.tools = new JdbcToolStore(db, options);
    this.ledger = new JdbcLedgerStore(db);
  }

  @Override
  public TenantStore tenants() {
    return tenants;
  }

  @Override
  public ApiKeyStore apiKeys() {
    return apiKeys;
  }

  @Override
  public CollectionStore collections() {
    return collections;
  }

  @Override
  public DocumentStateStore documents() {
    return documents;
  }

  @Override
  public JobStore jobs() {
    return jobs;
  }

  @Override
  public IdempotencyStore idempotency() {
    return idempotency;
  }

  @Override
  public ErasureStore erasures() {
    return erasures;
  }

  @Override
  public UsageStore usage() {
    return usage;
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }

  @Override
  public EvaluationStore evaluations() {
    return evaluations;
  }

  @Override
  public ExperimentStore experiments() {
    return experiments;
  }

  @Override
  public MemoryStore memories() {
    return memories;
  }

  @Override
  public ToolStore tools() {
    return tools;
  }

  @Override
  public LedgerStore ledger() {
    return ledger;
  }

  @Override
  public boolean purgeDeleted() {
    return db.purgeDeleted();
  }

  @Override
  public DeletedRows deletedRows() {
    return db.deletedRows();
  }

  @Override
  public int schemaVersion() {
    return schemaVersion;
  }

  @Override
  public void ping() {
    db.read("checking the database", c -> Jdbc.exists(c, "SELECT 1"));
  }

  @Override
  public void close() {
    db.close();
  }

  @Override
  public String toString() {
    return "JdbcStore[" + db.dialect().displayName() + ", schema version " + schemaVersion + "]";
  }
}
