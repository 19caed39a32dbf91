package dev.quarry.ingest.chunk;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.chunk.Chunker;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.chunk.ChunkingStrategy;
import dev.quarry.core.chunk.Tokenizer;
import dev.quarry.core.document.Document;
import java.util.List;
import java.util.Objects;

/**
 * Whole sentences ({@link SentenceSplitter}) packed greedily, in order, while they fit the budget;
 * a sentence longer than the budget is split into token windows on its own.
 */
public final class SentenceChunker implements Chunker {

  private final Tokenizer tokenizer;
  private final int budget;

  /** @throws IllegalArgumentException when the strategy is not {@link ChunkingStrategy#SENTENCE} */
  public SentenceChunker(ChunkerConfig config, Tokenizer tokenizer) {
    PlannedChunking.requireStrategy(config, ChunkingStrategy.SENTENCE);
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    this.budget = ChunkBudget.totalFor(config, tokenizer);
  }

  @Override
  public List<Chunk> chunk(Document document) {
    return PlannedChunking.chunk(document, tokenizer, budget, SentenceChunker::plan);
  }

  private static List<TokenRange> plan(
      Document document, TokenizedText tokens, int capacity, PlannedChunking.Fit fit) {
    if (tokens.count() <= capacity) {
      return List.of(new TokenRange(0, tokens.count()));
    }
    Boundaries sentences = Boundaries.atOffsets(tokens, SentenceSplitter.starts(document.text()));
    return new GreedyPacker(tokens, capacity, List.of(sentences), fit).plan();
  }
}
