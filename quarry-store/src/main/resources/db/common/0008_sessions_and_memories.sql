-- Version 8: chat sessions and end users' memories (issue 8).
-- A session belongs to a tenant and, optionally, an end user (end_user); it expires at expires_at
-- (its last turn plus the configured TTL). Its turns keep the question, the answer, the model and
-- token counts; each turn's citations are rows of session_citations. A citation with a NULL
-- collection cites a memory (doc_id is the memory's id). redacted = 1 marks an answer whose text
-- was removed because a document it cited was deleted.
-- Memories are facts about an end user, with their embedding (base64 of little-endian float32s) and the
-- embedding model that made it. The erasure receipt counts the sessions and memories of a subject
-- removed when its key is "user".

CREATE TABLE sessions (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  end_user TEXT,
  turns INTEGER NOT NULL DEFAULT 0,
  next_turn INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sessions_newest ON sessions (tenant_id, created_at, id);
CREATE INDEX sessions_by_user ON sessions (tenant_id, end_user);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE session_turns (
  tenant_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  question TEXT NOT NULL,
  answer TEXT NOT NULL,
  model TEXT NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  redacted INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, session_id, ordinal),
  FOREIGN KEY (tenant_id, session_id) REFERENCES sessions (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE session_citations (
  tenant_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  turn INTEGER NOT NULL,
  marker INTEGER NOT NULL,
  collection TEXT,
  doc_id TEXT NOT NULL,
  chunk INTEGER NOT NULL,
  start_offset INTEGER NOT NULL,
  end_offset INTEGER NOT NULL,
  quote TEXT NOT NULL,
  PRIMARY KEY (tenant_id, session_id, turn, marker),
  FOREIGN KEY (tenant_id, session_id, turn) REFERENCES session_turns (tenant_id, session_id, ordinal) ON DELETE CASCADE
);
CREATE INDEX session_citations_by_document ON session_citations (tenant_id, collection, doc_id);

CREATE TABLE memories (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  end_user TEXT NOT NULL,
  body TEXT NOT NULL,
  metadata TEXT NOT NULL,
  embedding_model TEXT NOT NULL,
  embedding TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX memories_by_user ON memories (tenant_id, end_user, created_at, id);

ALTER TABLE erasures ADD COLUMN sessions_deleted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE erasures ADD COLUMN memories_deleted BIGINT NOT NULL DEFAULT 0;
