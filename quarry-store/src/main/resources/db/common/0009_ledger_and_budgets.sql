-- Version 9: the model-call ledger and per-tenant budgets (issue 9).
-- model_calls: one row per model call (tenant, key, session, route, the model that answered, tokens
-- in, out and cached, whether Quarry counted them, latency, time to first token, cost in nanos of
-- the operator's currency (1e-9), outcome: ok, failed or cut). No content. Kept for billing when a
-- user is erased (their session ids are set to NULL); deleted with the tenant.
-- budgets: a tenant's limits; NULL is no limit. Money in nanos. allowed_models and allowed_tools are
-- JSON arrays of names, NULL for all.
-- budget_spend: what is spent and reserved in a window (period 'day:yyyy-mm-dd' or 'month:yyyy-mm',
-- UTC). A reservation adds the call's worst case with a conditional upsert (only while the sum stays
-- within the limit), settlement replaces it with the real usage.

CREATE TABLE model_calls (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  key_id TEXT,
  session_id TEXT,
  route TEXT NOT NULL,
  model TEXT NOT NULL,
  day TEXT NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cached_tokens BIGINT NOT NULL,
  counted INTEGER NOT NULL,
  latency_ms BIGINT NOT NULL,
  first_token_ms BIGINT,
  cost_nanos BIGINT NOT NULL,
  outcome TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX model_calls_by_day ON model_calls (tenant_id, day, model);
CREATE INDEX model_calls_by_session ON model_calls (tenant_id, session_id);

CREATE TABLE budgets (
  tenant_id TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  tokens_per_day BIGINT,
  tokens_per_month BIGINT,
  cost_per_day_nanos BIGINT,
  cost_per_month_nanos BIGINT,
  max_tokens_per_request BIGINT,
  allowed_models TEXT,
  allowed_tools TEXT,
  updated_at BIGINT NOT NULL
);

CREATE TABLE budget_spend (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  period TEXT NOT NULL,
  tokens BIGINT NOT NULL,
  cost_nanos BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, period)
);
