-- Version 6: jobs outlive their collection. Dropping a collection no longer deletes its jobs: it
-- records when (collection_deleted_at) and the job's counts by state at that moment
-- (final_counts, "state=n" pairs separated by ','), since the documents they counted are gone.
-- Finished jobs are deleted once older than the server's job retention. Jobs still go with
-- their tenant.

ALTER TABLE ingestion_jobs DROP CONSTRAINT ingestion_jobs_tenant_id_collection_fkey;
ALTER TABLE ingestion_jobs ADD CONSTRAINT ingestion_jobs_tenant_id_fkey
  FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE ingestion_jobs ADD COLUMN collection_deleted_at BIGINT;
ALTER TABLE ingestion_jobs ADD COLUMN final_counts TEXT;
CREATE INDEX ingestion_jobs_by_collection ON ingestion_jobs (tenant_id, collection);
CREATE INDEX ingestion_jobs_finished ON ingestion_jobs (finished_at) WHERE finished_at IS NOT NULL;
