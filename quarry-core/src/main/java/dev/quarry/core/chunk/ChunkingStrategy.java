package dev.quarry.core.chunk;

/** The chunking strategies a collection can choose. */
public enum ChunkingStrategy {
  /** Fixed windows of model tokens with an overlap, also in model tokens. */
  TOKEN_WINDOW,
  /** Structure-aware: headings, then paragraphs, sentences, then tokens. */
  RECURSIVE,
  /** Whole sentences packed greedily up to the token budget. */
  SENTENCE
}
