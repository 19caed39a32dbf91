package dev.quarry.store.tool;

import dev.quarry.store.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * A tool a tenant registered: {@code parameters} is the JSON Schema of its arguments as JSON text,
 * {@code url} where Quarry POSTs them.
 */
public record ToolDefinition(TenantId tenant, String name, String description, String parameters, String url,
    Instant createdAt, Instant updatedAt) {
  public ToolDefinition {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
