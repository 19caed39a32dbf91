package dev.quarry.engine.ingest;

import java.time.Duration;
import java.util.List;

/**
 * What an ingestion did. {@code embedSeconds} is wall time spent inside the embedder, so {@code
 * chunks / embedSeconds} is the embedding rate the pipeline achieved; {@code elapsed} covers
 * everything from the first byte read to the final commit.
 */
public record IngestReport(
    long documents,
    long indexed,
    long unchanged,
    long chunks,
    List<Rejection> rejected,
    Duration elapsed,
    double embedSeconds,
    long generation) {

  public IngestReport {
    rejected = List.copyOf(rejected);
  }

  /** Chunks indexed per second, end to end. */
  public double chunksPerSecond() {
    double s = elapsed.toNanos() / 1e9;
    return s > 0 ? chunks / s : 0;
  }
}
