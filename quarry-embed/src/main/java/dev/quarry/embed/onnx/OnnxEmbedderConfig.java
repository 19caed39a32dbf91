package dev.quarry.embed.onnx;

import dev.quarry.embed.model.EmbeddingModels;
import java.util.Objects;

/**
 * How an {@link OnnxEmbedder} runs: which model, how many ONNX Runtime sessions work in parallel
 * (each on its own named worker thread), how many threads each session uses inside one operator,
 * and how many texts go into one model call.
 *
 * <p>Defaults, from {@code EmbedderBenchmark} (test sources) with bge-small-en-v1.5-q on 400
 * SciFact abstracts and 200 queries on a 2-core machine shared with other builds (noisy; best of
 * interleaved runs):
 *
 * <ul>
 *   <li>{@code sessions} = available processors (at most {@value #DEFAULT_MAX_SESSIONS}) and
 *       {@code intraOpThreads} = 1: 2 sessions x 1 thread embedded 23.8-25.0 abstracts/s and
 *       13.2-14.2 per CPU-second, against 7.0-22.6/s and 7.0-11.7 per CPU-second for 1 session x 2
 *       threads; single-query latency was the same (8.0 vs 8.2 ms mean), and with 4 concurrent
 *       callers 275 vs 127 queries/s. Each session holds its own copy of the weights (about the
 *       .onnx file's size: 34 MB int8, 133 MB float), hence the cap.
 *   <li>{@code batchSize} = 1: on CPU, batches of 1, 4 and 8 (sorted by length) were equally
 *       efficient (12.3-14.2 abstracts per CPU-second) and 16 worse (10.4). A batch of one has no
 *       padding, and it makes an int8 model's vector a function of the text alone: int8 models
 *       quantise activations with one scale per tensor, so batch mates move a vector (cosine to the
 *       unbatched vector down to 0.997 for bge-q and 0.991 for MiniLM-q at batch 8). Larger batches
 *       stay available for hardware that profits from them.
 * </ul>
 */
public record OnnxEmbedderConfig(String modelId, int sessions, int intraOpThreads, int batchSize) {

  public static final int MAX_SESSIONS = 64;
  public static final int MAX_INTRA_OP_THREADS = 64;
  public static final int MAX_BATCH_SIZE = 1024;
  /** The default session count never exceeds this, however many processors there are. */
  public static final int DEFAULT_MAX_SESSIONS = 4;

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
    int processors = Runtime.getRuntime().availableProcessors();
    return new OnnxEmbedderConfig(modelId, Math.min(processors, DEFAULT_MAX_SESSIONS), 1, 1);
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
