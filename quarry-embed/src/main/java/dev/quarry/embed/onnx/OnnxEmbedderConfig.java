package dev.quarry.embed.onnx;

import dev.quarry.embed.model.EmbeddingModels;
import java.util.Objects;

/**
 * How an {@link OnnxEmbedder} runs: which model, how many ONNX Runtime sessions work in parallel
 * (each on its own named worker thread), how many threads each session uses inside one operator,
 * and how many texts go into one model call.
 *
 * <p>Defaults, from {@code EmbedderBenchmark} (test sources) with bge-small-en-v1.5-q on 400
 * SciFact abstracts (title + abstract) and 200 queries, on a 2-core machine shared with other
 * builds (noisy: configurations interleaved, best of 2 runs; quietest run quoted):
 *
 * <ul>
 *   <li>{@code sessions} = available processors (at most {@value #DEFAULT_MAX_SESSIONS}) and
 *       {@code intraOpThreads} = 1. Abstracts/s, sorted, batch 1/4/8/16: 2 sessions x 1 thread
 *       28.9/26.6/25.4/20.8, 1 session x 2 threads 20.5/22.7/19.4/16.4; per CPU-second (noisier
 *       runs) 13.7/14.2/13.2/10.4 against 7.0/10.9/9.7/8.0. One query alone: 7.8 against 6.7 ms
 *       mean; 4 concurrent callers: 264 against 163 queries/s. Each session holds its own copy of
 *       the weights (about the .onnx file's size: 34 MB int8, 133 MB float), hence the cap.
 *   <li>{@code batchSize} = 1: the fastest above, with no padding at all, and it makes an int8
 *       model's vector a function of the text alone (int8 models quantise activations with one
 *       scale per tensor, so batch mates move a vector: cosine to the unbatched vector down to
 *       0.997 for bge-q and 0.976 for MiniLM-q at batch 8). Length sorting matters when batching:
 *       at batch 8, 25.4 abstracts/s sorted against 15.7 in corpus order. Larger batches stay
 *       available for hardware that profits from them.
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
