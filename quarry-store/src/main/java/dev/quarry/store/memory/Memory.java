package dev.quarry.store.memory;

import dev.quarry.store.tenant.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A fact about an end {@code user} of a tenant: its text, its metadata (a JSON object, compact
 * text), and its embedding under {@code embeddingModel}.
 */
public record Memory(String id, TenantId tenant, String user, String text, String metadata, String embeddingModel,
    List<Float> embedding, Instant createdAt) {
  public Memory {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(embeddingModel, "embeddingModel");
    embedding = List.copyOf(embedding);
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** The embedding as an array, for scoring. */
  public float[] vector() {
    float[] out = new float[embedding.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = embedding.get(i);
    }
    return out;
  }
}
