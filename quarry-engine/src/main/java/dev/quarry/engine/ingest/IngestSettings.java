package dev.quarry.engine.ingest;

/**
 * Pipeline tuning. {@code batchChunks}: chunks handed to the embedder at once (it splits them
 * over its sessions). {@code commitEveryDocuments}: how many documents may be lost to a crash.
 */
public record IngestSettings(int batchChunks, int commitEveryDocuments) {

  public static final IngestSettings DEFAULT = new IngestSettings(64, 10_000);

  public IngestSettings {
    if (batchChunks < 1) {
      throw new IllegalArgumentException("batchChunks must be at least 1, got: " + batchChunks);
    }
    if (commitEveryDocuments < 1) {
      throw new IllegalArgumentException("commitEveryDocuments must be at least 1, got: " + commitEveryDocuments);
    }
  }
}
