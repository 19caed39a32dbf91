package dev.quarry.engine.ingest;

/**
 * Told how long work advances. {@code done} and {@code total} are in the same unit (bytes of
 * input read, so the estimate holds for one big JSONL file and for a folder of small files);
 * {@code documents} is the count of documents processed so far. Called from one thread.
 */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (done, total, documents) -> {};

  void progress(long done, long total, long documents);
}
