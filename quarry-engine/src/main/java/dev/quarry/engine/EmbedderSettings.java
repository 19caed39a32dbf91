package dev.quarry.engine;

/**
 * How in-process models run. Zero means "the measured default for this machine" (see
 * docs/benchmarks.md): one ONNX session per core, one intra-op thread each.
 */
public record EmbedderSettings(int sessions, int intraOpThreads, int batchSize) {

  public static final EmbedderSettings DEFAULT = new EmbedderSettings(0, 0, 0);

  public EmbedderSettings {
    if (sessions < 0 || intraOpThreads < 0 || batchSize < 0) {
      throw new IllegalArgumentException("embedder settings must be >= 0 (0 = default), got sessions="
          + sessions + ", intraOpThreads=" + intraOpThreads + ", batchSize=" + batchSize);
    }
  }
}
