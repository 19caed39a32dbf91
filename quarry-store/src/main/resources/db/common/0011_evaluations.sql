-- Evaluations (issue 10): a tenant's judgment sets (queries and graded relevance judgments, uploaded
-- in BEIR or TREC format and kept normalised: queries a JSON object of id to text, qrels lines of
-- query-id TAB doc-id TAB grade) and its evaluation jobs (a collection ranked under several
-- configurations against a judgment set; the request and the result are JSON).

CREATE TABLE judgment_sets (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  format TEXT NOT NULL,
  queries TEXT NOT NULL,
  qrels TEXT NOT NULL,
  query_count INTEGER NOT NULL,
  judgment_count INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, name)
);

CREATE TABLE evaluations (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  collection TEXT NOT NULL,
  judgments TEXT NOT NULL,
  judgments_fingerprint TEXT NOT NULL,
  request TEXT NOT NULL,
  state TEXT NOT NULL,
  result TEXT,
  error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  finished_at BIGINT,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX evaluations_newest ON evaluations (tenant_id, created_at, id);
CREATE INDEX evaluations_unfinished ON evaluations (state, created_at);
