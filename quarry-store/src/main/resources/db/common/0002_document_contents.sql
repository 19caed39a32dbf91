-- Version 2: the content of every document the store has accepted, kept for the document's
-- lifetime. Ingestion reads it (so an acknowledged upload survives a crash before indexing),
-- document get returns it, and it is the source a collection can be rebuilt from. Deleted with
-- its document (ON DELETE CASCADE from document_states).

CREATE TABLE document_contents (
  tenant_id TEXT NOT NULL,
  collection TEXT NOT NULL,
  doc_id TEXT NOT NULL,
  media_type TEXT NOT NULL,
  file_name TEXT,
  body BLOB NOT NULL,
  PRIMARY KEY (tenant_id, collection, doc_id),
  FOREIGN KEY (tenant_id, collection, doc_id) REFERENCES document_states (tenant_id, collection, doc_id) ON DELETE CASCADE
);
