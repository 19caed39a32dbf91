-- Online experiments (issue 10): a tenant's A/B or interleaving experiments on a collection (the
-- arms as JSON; at most one running per collection), the impressions served under them (one per
-- enrolled search response, under its request id; the user or session only as a hash) and the
-- feedback on those impressions (click, rating, dwell).

CREATE TABLE experiments (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  collection TEXT NOT NULL,
  kind TEXT NOT NULL,
  assign_by TEXT NOT NULL,
  arms TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  stopped_at BIGINT,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX experiments_newest ON experiments (tenant_id, created_at, id);
CREATE UNIQUE INDEX experiments_one_running ON experiments (tenant_id, collection) WHERE state = 'RUNNING';

CREATE TABLE experiment_impressions (
  tenant_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  experiment_id TEXT NOT NULL,
  arm TEXT,
  unit_hash TEXT NOT NULL,
  shown TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, request_id),
  FOREIGN KEY (tenant_id, experiment_id) REFERENCES experiments (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX experiment_impressions_of ON experiment_impressions (tenant_id, experiment_id, created_at);

CREATE TABLE experiment_feedback (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  experiment_id TEXT NOT NULL,
  event TEXT NOT NULL,
  doc_id TEXT,
  value DOUBLE PRECISION NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, request_id) REFERENCES experiment_impressions (tenant_id, request_id) ON DELETE CASCADE
);
CREATE INDEX experiment_feedback_of ON experiment_feedback (tenant_id, experiment_id, created_at);
