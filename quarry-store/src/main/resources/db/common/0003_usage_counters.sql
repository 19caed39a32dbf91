-- Version 3: metered usage, one counter per tenant, UTC day (yyyy-mm-dd) and meter (searches,
-- documents_submitted, ...). The server adds buffered deltas to it every few seconds with
-- value = value + delta, so instances sharing a database add up. Deleted with the tenant.

CREATE TABLE usage_counters (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  meter TEXT NOT NULL,
  value BIGINT NOT NULL CHECK (value >= 0),
  PRIMARY KEY (tenant_id, day, meter)
);
