package dev.quarry.store.document;

import java.util.Objects;

/**
 * The document after a submission, and whether the submission changed it. An unchanged submission
 * (same content hash, not failed) keeps the document's state and version: there is no work to do.
 */
public record SubmitOutcome(DocumentRecord document, boolean changed) {
  public SubmitOutcome {
    Objects.requireNonNull(document, "document");
  }
}
