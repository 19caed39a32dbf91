-- Version 6: jobs outlive their collection. Dropping a collection no longer deletes its jobs: it
-- records when (collection_deleted_at) and the job's counts by state at that moment
-- (final_counts, "state=n" pairs separated by ','), since the documents they counted are gone.
-- Finished jobs are deleted once older than the server's job retention. Jobs still go with
-- their tenant. SQLite cannot drop a foreign key, so the table is rebuilt.

CREATE TABLE ingestion_jobs_v5 (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  collection TEXT NOT NULL,
  submitted BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  finished_at BIGINT,
  collection_deleted_at BIGINT,
  final_counts TEXT,
  PRIMARY KEY (tenant_id, id)
);
INSERT INTO ingestion_jobs_v5 (tenant_id, id, collection, submitted, created_at, finished_at)
  SELECT tenant_id, id, collection, submitted, created_at, finished_at FROM ingestion_jobs;
DROP TABLE ingestion_jobs;
ALTER TABLE ingestion_jobs_v5 RENAME TO ingestion_jobs;
CREATE INDEX ingestion_jobs_newest ON ingestion_jobs (tenant_id, created_at, id);
CREATE INDEX ingestion_jobs_by_collection ON ingestion_jobs (tenant_id, collection);
CREATE INDEX ingestion_jobs_finished ON ingestion_jobs (finished_at) WHERE finished_at IS NOT NULL;
