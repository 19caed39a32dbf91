-- Version 4: workers take turns over tenants and their collections (DocumentStateStore.nextTenantDue,
-- nextCollectionDue) and claim one collection's due documents at a time. This index finds the next
-- tenant or collection with due work without scanning other tenants' documents, and serves a
-- collection's claim in due order.

CREATE INDEX document_states_due_by_collection ON document_states (tenant_id, collection, next_attempt_at)
  WHERE next_attempt_at IS NOT NULL;
