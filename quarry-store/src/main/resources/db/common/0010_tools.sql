-- Version 10: tenants' tools (issue 9).
-- A tool a tenant registered: its name, its description and the JSON Schema of its arguments (the
-- OpenAI function format, as JSON text), and the URL Quarry POSTs the validated arguments to.
-- tool_hosts is the tenant's allow-list of the hosts those URLs may name (set by its admin key);
-- an entry "*.example.com" allows the subdomains of example.com.

CREATE TABLE tools (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  parameters TEXT NOT NULL,
  url TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, name)
);

CREATE TABLE tool_hosts (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  host TEXT NOT NULL,
  PRIMARY KEY (tenant_id, host)
);
