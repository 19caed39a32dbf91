package dev.quarry.ingest.chunk;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.chunk.ChunkingStrategy;
import dev.quarry.core.chunk.Tokenizer;
import dev.quarry.core.document.Document;
import java.util.List;

/**
 * The steps every chunker shares around its own planning: tokenize the text once, size the title
 * header once, plan token ranges within the content budget, assemble and check the chunks.
 */
final class PlannedChunking {

  /** A chunker's own part: which token ranges become chunks, each planned at most {@code capacity}. */
  @FunctionalInterface
  interface Planner {
    List<TokenRange> plan(Document document, TokenizedText tokens, int capacity, Fit fit);
  }

  /**
   * By how many tokens the chunk made of tokens {@code [from, to)} would exceed the budget once
   * its embedding text is tokenized on its own (0 when it fits). The measurement is kept for
   * assembly, so asking costs no second tokenization.
   */
  @FunctionalInterface
  interface Fit {
    int excess(int from, int to);
  }

  private PlannedChunking() {}

  /** A chunker is built only from a config naming its own strategy. */
  static void requireStrategy(ChunkerConfig config, ChunkingStrategy expected) {
    if (config.strategy() != expected) {
      throw new IllegalArgumentException(
          "this chunker implements strategy " + expected + ", got a config for: " + config.strategy());
    }
  }

  static List<Chunk> chunk(Document document, Tokenizer tokenizer, int total, Planner planner) {
    if (document.text().isBlank()) {
      return List.of();
    }
    TokenizedText tokens = TokenizedText.of(document.text(), tokenizer);
    ChunkBudget budget = ChunkBudget.of(document.title(), total, tokenizer);
    ChunkAssembler assembler = new ChunkAssembler(tokenizer, document, tokens, budget);
    List<TokenRange> plan = planner.plan(document, tokens, budget.contentTokens(), assembler::excess);
    return assembler.assemble(plan);
  }
}
