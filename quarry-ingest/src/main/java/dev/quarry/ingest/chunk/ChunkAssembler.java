package dev.quarry.ingest.chunk;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.chunk.Tokenizer;
import dev.quarry.core.document.Document;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns planned token ranges into {@link Chunk}s: character offsets with whitespace trimmed, page,
 * heading path, embedding text, and ordinals in order (a range holding only whitespace yields no
 * chunk).
 *
 * <p>Plans count tokens of the whole document, but a tokenizer need not split a piece the same way
 * on its own or after the title header. So each chunk's embedding text is tokenized once more and
 * checked against the budget (planners may ask first through {@link #excess}; the measurement is
 * reused). A range that is over (rare: a boundary effect) is re-split into smaller windows until
 * every piece fits. A run of tokens that cannot be cut and still does not fit is embedded without
 * the header; if even that fails, the tokenizer's offsets contradict its own counts, a bug
 * reported as {@link IllegalStateException}.
 */
final class ChunkAssembler {

  /** A range's trimmed characters and the size of its embedding text. */
  private record Measured(int start, int end, String embeddingText, int tokens) {}

  private final Tokenizer tokenizer;
  private final Document document;
  private final TokenizedText tokens;
  private final ChunkBudget budget;
  private final HeadingPaths headingPaths;
  private final Map<TokenRange, Measured> measured = new HashMap<>();
  private final List<Chunk> chunks = new ArrayList<>();

  ChunkAssembler(Tokenizer tokenizer, Document document, TokenizedText tokens, ChunkBudget budget) {
    this.tokenizer = tokenizer;
    this.document = document;
    this.tokens = tokens;
    this.budget = budget;
    this.headingPaths = HeadingPaths.of(document.headings());
  }

  /** See {@link PlannedChunking.Fit}. */
  int excess(int from, int to) {
    TokenRange range = new TokenRange(from, to);
    Measured m = measured.computeIfAbsent(range, this::measure);
    return Math.max(0, m.tokens() - budget.total());
  }

  List<Chunk> assemble(List<TokenRange> plan) {
    for (TokenRange range : plan) {
      add(range);
    }
    return List.copyOf(chunks);
  }

  private void add(TokenRange range) {
    Measured m = measured.remove(range);
    if (m == null) {
      m = measure(range);
    }
    if (m.start() == m.end()) {
      return;
    }
    String chunkText = tokens.text().substring(m.start(), m.end());
    String embeddingText = m.embeddingText();
    if (m.tokens() > budget.total()) {
      List<TokenRange> smaller = new ArrayList<>();
      if (range.size() > 1) {
        int size = Math.max(1, Math.min(range.size() - 1, range.size() - (m.tokens() - budget.total())));
        TokenWindows.split(tokens, range.from(), range.to(), size, 0, this::excess, smaller);
      }
      if (smaller.size() > 1) {
        smaller.forEach(this::add);
        return;
      }
      embeddingText = chunkText;
      int alone = tokenizer.tokenize(chunkText).count();
      if (alone > budget.total()) {
        throw new IllegalStateException(
            "document '" + document.id() + "': the text [" + m.start() + ", " + m.end() + ") cannot be cut"
                + " between tokens yet tokenizes to " + alone + " tokens on its own, more than the"
                + " budget of " + budget.total() + "; the tokenizer's offsets contradict its counts");
      }
    }
    chunks.add(
        new Chunk(
            document.id(),
            chunks.size(),
            chunkText,
            m.start(),
            m.end(),
            document.pageAt(m.start()),
            headingPaths.at(m.start()),
            embeddingText));
  }

  private Measured measure(TokenRange range) {
    String text = tokens.text();
    int start = tokens.charStart(range.from());
    int end = tokens.charEnd(range.to());
    while (start < end && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    if (start == end) {
      return new Measured(start, end, "", 0);
    }
    String embeddingText = budget.embeddingText(text.substring(start, end));
    return new Measured(start, end, embeddingText, tokenizer.tokenize(embeddingText).count());
  }
}
