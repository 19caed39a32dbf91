package dev.quarry.engine.ingest;

import java.util.List;

/**
 * Told when documents pass the pipeline's inner stages, so a caller can persist each document's
 * progress: {@link #chunked} from the parsing thread when a batch of chunked documents is handed to
 * the embedder, {@link #embedded} from the embedding thread once that batch's vectors exist.
 * Indexing is the caller's to record once {@code run} has returned: only then is it committed.
 * A listener that throws stops the ingestion like any other stage failure.
 */
public interface DocumentStages {

  DocumentStages NONE = new DocumentStages() {
    @Override
    public void chunked(List<String> documentIds) {}

    @Override
    public void embedded(List<String> documentIds) {}
  };

  void chunked(List<String> documentIds);

  void embedded(List<String> documentIds);
}
