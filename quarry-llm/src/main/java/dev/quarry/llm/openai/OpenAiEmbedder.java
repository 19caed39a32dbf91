package dev.quarry.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.error.ModelException;
import dev.quarry.llm.config.EmbeddingModelConfig;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.wire.UpstreamCall;
import dev.quarry.llm.wire.UpstreamFailures;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link Embedder} over an OpenAI-compatible {@code POST {base_url}/embeddings}: texts go out in
 * batches of the configured size ({@code encoding_format: float}), each wait bounded by the
 * provider's timeout and each batch by twice that; vectors come back by {@code index} and must have the configured dimension.
 * {@link #info()} is the configuration's, never a network call. Failures are
 * {@link ModelException}s as for chat.
 */
public final class OpenAiEmbedder implements Embedder {

  /** A batch may take this many times the provider's timeout in all (each wait is bounded by the timeout itself). */
  static final int BATCH_DEADLINE_TIMEOUTS = 2;

  private final EmbeddingModelConfig config;
  private final ProviderConfig provider;
  private final Optional<String> apiKey;
  private final HttpClient client;
  private final Clock clock;
  private final EmbeddingModelInfo info;

  public OpenAiEmbedder(EmbeddingModelConfig config, ProviderConfig provider, Optional<String> apiKey,
      HttpClient client, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.info = new EmbeddingModelInfo(config.id(), config.dimension(), config.maxTokens(), config.similarity(),
        config.queryPrefix(), config.documentPrefix());
  }

  @Override
  public EmbeddingModelInfo info() {
    return info;
  }

  @Override
  public float[][] embed(List<String> texts, InputKind kind) {
    String prefix = kind == InputKind.QUERY ? config.queryPrefix() : config.documentPrefix();
    float[][] vectors = new float[texts.size()][];
    for (int from = 0; from < texts.size(); from += config.batchSize()) {
      int to = Math.min(texts.size(), from + config.batchSize());
      embedBatch(texts.subList(from, to), prefix, vectors, from);
    }
    return vectors;
  }

  private void embedBatch(List<String> batch, String prefix, float[][] into, int offset) {
    ObjectNode body = OpenAiChatProtocol.JSON.createObjectNode();
    body.put("model", config.model());
    ArrayNode input = body.putArray("input");
    batch.forEach(t -> input.add(prefix + t));
    body.put("encoding_format", "float");
    HttpRequest.Builder http = HttpRequest.newBuilder(provider.resolve("/embeddings"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    apiKey.ifPresent(key -> http.header("Authorization", "Bearer " + key));
    String name = config.id();
    String json;
    Instant deadline = clock.instant().plus(provider.timeout().multipliedBy(BATCH_DEADLINE_TIMEOUTS));
    try (UpstreamCall call = UpstreamCall.open(client, http.build(), name, deadline, provider.timeout(), clock)) {
      if (call.status() / 100 != 2) {
        throw UpstreamFailures.forStatus(name, call.status(), call.headers(), call.readBody(64 << 10), clock);
      }
      json = call.readBody(256 << 20);
    }
    JsonNode data = UpstreamFailures.parse(name, json, "the embeddings").path("data");
    if (!data.isArray() || data.size() != batch.size()) {
      throw UpstreamFailures.malformed(name, "expected " + batch.size() + " embeddings, got "
          + (data.isArray() ? data.size() : "none"), null);
    }
    for (int i = 0; i < data.size(); i++) {
      JsonNode item = data.get(i);
      int index = item.path("index").asInt(i);
      JsonNode embedding = item.path("embedding");
      if (index < 0 || index >= batch.size() || into[offset + index] != null) {
        throw UpstreamFailures.malformed(name, "embedding index " + index + " is out of range or repeated", null);
      }
      if (!embedding.isArray() || embedding.size() != config.dimension()) {
        throw UpstreamFailures.malformed(name, "expected vectors of dimension " + config.dimension()
            + " (as configured), got " + (embedding.isArray() ? embedding.size() : "no vector")
            + " at index " + index, null);
      }
      float[] v = new float[embedding.size()];
      for (int d = 0; d < v.length; d++) {
        JsonNode x = embedding.get(d);
        if (!x.isNumber()) {
          throw UpstreamFailures.malformed(name, "embedding " + index + " holds a non-number at " + d, null);
        }
        v[d] = x.floatValue();
      }
      into[offset + index] = v;
    }
  }
}
