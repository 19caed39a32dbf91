package dev.quarry.core.search;

/** Whether hits are chunks, or documents represented by their best chunk. */
public enum Grouping {
  CHUNK,
  DOCUMENT
}
