package dev.quarry.core.search;

/** Which retrievers answer a query. */
public enum SearchMode {
  LEXICAL,
  VECTOR,
  HYBRID
}
