package dev.quarry.ingest.chunk;

import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.chunk.Tokenizer;

/**
 * The token budget of one document's chunks: {@code total} tokens of embedding text, of which the
 * title header ({@code title + "\n\n"}) takes {@code headerTokens}. The header is used only when
 * the title is non-blank and takes at most a quarter of the budget, so a long title cannot crowd
 * out the content; the title is tokenized once per document.
 */
record ChunkBudget(int total, String header, int headerTokens) {

  /** The budget of every chunk's embedding text: the configured maximum, capped by the model's. */
  static int totalFor(ChunkerConfig config, Tokenizer tokenizer) {
    int model = tokenizer.maxContentTokens();
    if (model < 1) {
      throw new IllegalArgumentException("tokenizer maxContentTokens must be at least 1, got: " + model);
    }
    return Math.min(config.maxTokens(), model);
  }

  static ChunkBudget of(String title, int total, Tokenizer tokenizer) {
    String stripped = title.strip();
    if (stripped.isEmpty()) {
      return new ChunkBudget(total, "", 0);
    }
    String header = stripped + "\n\n";
    int tokens = tokenizer.tokenize(header).count();
    return tokens * 4L <= total ? new ChunkBudget(total, header, tokens) : new ChunkBudget(total, "", 0);
  }

  /** Tokens left for chunk text. */
  int contentTokens() {
    return total - headerTokens;
  }

  String embeddingText(String chunkText) {
    return header.isEmpty() ? chunkText : header + chunkText;
  }
}
