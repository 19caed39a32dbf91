package dev.quarry.ingest.chunk;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.chunk.Chunker;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.chunk.ChunkingStrategy;
import dev.quarry.core.chunk.Tokenizer;
import dev.quarry.core.document.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Fixed windows of model tokens: each chunk holds as many tokens as fit the budget (after the
 * title header), and the next one starts {@code overlapTokens} tokens before it ends, so
 * consecutive chunks share at least that many tokens. Windows end, and overlapping windows start,
 * at a word break when one lies within the last eighth of the window, which never shrinks the
 * overlap. Ignores document structure; see {@link RecursiveChunker} for that.
 */
public final class TokenWindowChunker implements Chunker {

  private final Tokenizer tokenizer;
  private final int budget;
  private final int overlap;

  /**
   * @throws IllegalArgumentException when the strategy is not {@link ChunkingStrategy#TOKEN_WINDOW}
   *     or the overlap is not below half of the budget once capped by the model's limit
   */
  public TokenWindowChunker(ChunkerConfig config, Tokenizer tokenizer) {
    PlannedChunking.requireStrategy(config, ChunkingStrategy.TOKEN_WINDOW);
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    this.budget = ChunkBudget.totalFor(config, tokenizer);
    this.overlap = config.overlapTokens();
    if (overlap >= budget / 2.0) {
      throw new IllegalArgumentException(
          "chunker overlapTokens must be below half the budget of " + budget
              + " tokens (maxTokens " + config.maxTokens() + " capped by the model's "
              + tokenizer.maxContentTokens() + "), got: " + overlap);
    }
  }

  @Override
  public List<Chunk> chunk(Document document) {
    return PlannedChunking.chunk(document, tokenizer, budget, this::plan);
  }

  private List<TokenRange> plan(
      Document document, TokenizedText tokens, int capacity, PlannedChunking.Fit fit) {
    List<TokenRange> plan = new ArrayList<>();
    TokenWindows.split(tokens, 0, tokens.count(), capacity, overlap, fit, plan);
    return plan;
  }
}
