-- Quarry store schema, version 1. Shared by SQLite and PostgreSQL.
-- Times are epoch milliseconds (BIGINT); states and scopes are lower-case text.
-- Every table but tenants carries tenant_id, first in its primary key.

CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  scopes TEXT NOT NULL,
  salt TEXT NOT NULL,
  hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  expires_at BIGINT
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at);

CREATE TABLE collections (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  settings TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, name)
);

CREATE TABLE ingestion_jobs (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  collection TEXT NOT NULL,
  submitted BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  finished_at BIGINT,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, collection) REFERENCES collections (tenant_id, name) ON DELETE CASCADE
);
CREATE INDEX ingestion_jobs_newest ON ingestion_jobs (tenant_id, created_at, id);

CREATE TABLE document_states (
  tenant_id TEXT NOT NULL,
  collection TEXT NOT NULL,
  doc_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  content_hash TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('received', 'parsed', 'chunked', 'embedded', 'indexed', 'failed')),
  failure_reason TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  expires_at BIGINT,
  job_id TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, collection, doc_id),
  FOREIGN KEY (tenant_id, collection) REFERENCES collections (tenant_id, name) ON DELETE CASCADE
);
CREATE INDEX document_states_due ON document_states (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX document_states_by_state ON document_states (tenant_id, collection, state, doc_id);
CREATE INDEX document_states_by_job ON document_states (tenant_id, job_id, state) WHERE job_id IS NOT NULL;
CREATE INDEX document_states_expiry ON document_states (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE idempotency_records (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response_status INTEGER,
  response_body TEXT,
  created_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL,
  completed_at BIGINT,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, idem_key)
);
CREATE INDEX idempotency_records_expiry ON idempotency_records (expires_at);

CREATE TABLE erasures (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  meta_key TEXT NOT NULL,
  meta_value TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('requested', 'deleted', 'purged')),
  documents_deleted BIGINT NOT NULL DEFAULT 0,
  requested_at BIGINT NOT NULL,
  deleted_at BIGINT,
  purged_at BIGINT,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX erasures_unfinished ON erasures (requested_at, id) WHERE status <> 'purged';
CREATE INDEX erasures_by_tenant ON erasures (tenant_id, requested_at);
