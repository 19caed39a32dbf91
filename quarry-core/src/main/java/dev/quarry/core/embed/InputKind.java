package dev.quarry.core.embed;

/** Whether a text is a search query or a passage; models may prefix them differently. */
public enum InputKind {
  QUERY,
  DOCUMENT
}
