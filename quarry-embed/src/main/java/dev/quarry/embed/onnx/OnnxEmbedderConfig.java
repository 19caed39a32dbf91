package dev.quarry.embed.onnx;

import dev.quarry.embed.model.EmbeddingModels;
import java.util.Objects;

/**
 * How an {@link OnnxEmbedder} runs: which model, how many ONNX Runtime sessions work in parallel
 * (each on its own named worker thread), how many threads each session uses inside one operator,
 * and how many texts go into one model call.
 *
 * <p>The defaults come from measurements on a 2-core machine (see {@code EmbedderBenchmark} in the
 * test sources): TODO.
 */
public record OnnxEmbedderConfig(String modelId, int sessions, int intraOpThreads, int batchSize) {

  public static final int MAX_SESSIONS = 64;
  public static final int MAX_INTRA_OP_THREADS = 64;
  public static final int MAX_BATCH_SIZE = 1024;

  public OnnxEmbedderConfig {
    Objects.requireNonNull(modelId, "modelId");
    EmbeddingModels.byId(modelId);
    if (sessions < 1 || sessions > MAX_SESSIONS) {
      throw new IllegalArgumentException(
          "embedder sessions must be in 1.." + MAX_SESSIONS + ", got: " + sessions);
    }
    if (intraOpThreads < 1 || intraOpThreads > MAX_INTRA_OP_THREADS) {
      throw new IllegalArgumentException(
          "embedder intraOpThreads must be in 1.." + MAX_INTRA_OP_THREADS + ", got: " + intraOpThreads);
    }
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException(
          "embedder batchSize must be in 1.." + MAX_BATCH_SIZE + ", got: " + batchSize);
    }
  }

  /** The measured defaults for {@code modelId}. */
  public static OnnxEmbedderConfig defaults(String modelId) {
    return new OnnxEmbedderConfig(modelId, Runtime.getRuntime().availableProcessors(), 1, 8);
  }

  /** The measured defaults for the default model. */
  public static OnnxEmbedderConfig defaults() {
    return defaults(EmbeddingModels.DEFAULT_ID);
  }

  public OnnxEmbedderConfig withSessions(int n) {
    return new OnnxEmbedderConfig(modelId, n, intraOpThreads, batchSize);
  }

  public OnnxEmbedderConfig withIntraOpThreads(int n) {
    return new OnnxEmbedderConfig(modelId, sessions, n, batchSize);
  }

  public OnnxEmbedderConfig withBatchSize(int n) {
    return new OnnxEmbedderConfig(modelId, sessions, intraOpThreads, n);
  }
}
