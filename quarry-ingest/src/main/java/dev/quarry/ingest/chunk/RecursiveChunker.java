package dev.quarry.ingest.chunk;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.chunk.Chunker;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.chunk.ChunkingStrategy;
import dev.quarry.core.chunk.Tokenizer;
import dev.quarry.core.document.Document;
import dev.quarry.core.document.Heading;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Structure-aware chunking: a document that fits the budget is one chunk; otherwise it splits at
 * its headings (top level first, then subsections of a section that is still too large), then at
 * blank-line paragraphs, then at sentences ({@link SentenceSplitter}), and as a last resort into
 * token windows. Adjacent pieces are merged greedily while they fit, so small sections and
 * paragraphs share a chunk; a piece too large to fit is split on its own and not merged with its
 * neighbours, so chunks start at section and paragraph starts wherever they can.
 */
public final class RecursiveChunker implements Chunker {

  private final Tokenizer tokenizer;
  private final int budget;

  /** @throws IllegalArgumentException when the strategy is not {@link ChunkingStrategy#RECURSIVE} */
  public RecursiveChunker(ChunkerConfig config, Tokenizer tokenizer) {
    PlannedChunking.requireStrategy(config, ChunkingStrategy.RECURSIVE);
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    this.budget = ChunkBudget.totalFor(config, tokenizer);
  }

  @Override
  public List<Chunk> chunk(Document document) {
    return PlannedChunking.chunk(document, tokenizer, budget, RecursiveChunker::plan);
  }

  private static List<TokenRange> plan(
      Document document, TokenizedText tokens, int capacity, PlannedChunking.Fit fit) {
    if (tokens.count() <= capacity) {
      return List.of(new TokenRange(0, tokens.count()));
    }
    List<Heading> headings =
        document.headings().stream().sorted(Comparator.comparingInt(Heading::offset)).toList();
    int[] offsets = headings.stream().mapToInt(Heading::offset).toArray();
    int[] levels = headings.stream().mapToInt(Heading::level).toArray();
    String text = document.text();
    List<Boundaries> levelsOfStructure =
        List.of(
            Boundaries.atOffsets(tokens, offsets, levels),
            Boundaries.atOffsets(tokens, ParagraphBreaks.starts(text)),
            Boundaries.atOffsets(tokens, SentenceSplitter.starts(text)));
    return new GreedyPacker(tokens, capacity, levelsOfStructure, fit).plan();
  }
}
