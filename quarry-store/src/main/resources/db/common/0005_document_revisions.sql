-- Version 5: a document's version is what its client sees (ETag, If-Match): it moves only when a
-- client changes the document (new content, title, metadata or expiry). The revision moves with
-- every change a writer must not lose (claims, stage transitions, failures, retries): workers and
-- the store's own optimistic checks compare it. Existing documents start with revision = version.

ALTER TABLE document_states ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
UPDATE document_states SET revision = version;
