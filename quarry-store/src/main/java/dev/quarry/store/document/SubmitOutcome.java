package dev.quarry.store.document;

import java.util.Objects;

/**
 * The document after a submission, whether the submission needs processing ({@code changed}: new
 * or changed content, or a failed document sent again) and whether it {@code created} the document.
 * An unchanged submission (same content hash, not failed) keeps the document's state and revision:
 * there is no work to do.
 */
public record SubmitOutcome(DocumentRecord document, boolean changed, boolean created) {
  public SubmitOutcome {
    Objects.requireNonNull(document, "document");
    if (created && !changed) {
      throw new IllegalArgumentException("a created document always needs processing");
    }
  }
}
