package dev.quarry.ingest.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.chunk.ChunkingStrategy;
import dev.quarry.core.chunk.TokenSpans;
import dev.quarry.core.document.Document;
import dev.quarry.core.document.Heading;
import dev.quarry.core.document.PageSpan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * The {@link Chunk} contract, for every strategy, over generated Markdown with headings,
 * paragraphs, abbreviations, long words and non-ASCII text, with budgets capped by the model or
 * not, with and without a title header, and with a tokenizer whose counts change with context.
 */
class ChunkerPropertiesTest {

  @Property(tries = 1000)
  void chunksHonourTheContract(
      @ForAll ChunkingStrategy strategy,
      @ForAll("documents") Document document,
      @ForAll @IntRange(min = 16, max = 120) int maxTokens,
      @ForAll @IntRange(min = 16, max = 200) int modelLimit,
      @ForAll @IntRange(min = 0, max = 99) int overlapPercent,
      @ForAll boolean contextual) {
    PieceTokenizer tokenizer = new PieceTokenizer(modelLimit, contextual);
    int budget = Math.min(maxTokens, modelLimit);
    int overlap =
        strategy == ChunkingStrategy.TOKEN_WINDOW ? Math.max(0, (budget - 1) / 2 * overlapPercent / 100) : 0;
    List<Chunk> chunks = Chunkers.create(new ChunkerConfig(strategy, maxTokens, overlap), tokenizer).chunk(document);
    String text = document.text();
    TokenSpans tokens = tokenizer.tokenize(text);
    Set<Integer> tokenStarts = new HashSet<>();
    Set<Integer> tokenEnds = new HashSet<>();
    for (int i = 0; i < tokens.count(); i++) {
      tokenStarts.add(tokens.start(i));
      tokenEnds.add(tokens.end(i));
    }
    String header = header(document.title(), tokenizer, budget);
    boolean[] covered = new boolean[text.length()];

    for (int i = 0; i < chunks.size(); i++) {
      Chunk chunk = chunks.get(i);
      assertEquals(i, chunk.ordinal());
      assertEquals(document.id(), chunk.documentId());
      assertEquals(text.substring(chunk.start(), chunk.end()), chunk.text());
      assertFalse(chunk.text().isEmpty());
      assertFalse(Character.isWhitespace(chunk.text().charAt(0)), "trimmed at the start");
      assertFalse(Character.isWhitespace(chunk.text().charAt(chunk.text().length() - 1)), "trimmed at the end");
      assertTrue(tokenStarts.contains(chunk.start()), () -> "starts at a token: " + chunk.start());
      assertTrue(tokenEnds.contains(chunk.end()), () -> "ends at a token: " + chunk.end());
      assertEquals(header + chunk.text(), chunk.embeddingText());
      int count = tokenizer.tokenize(chunk.embeddingText()).count();
      assertTrue(count <= budget, () -> count + " tokens over the budget of " + budget + ": " + chunk.embeddingText());
      assertEquals(document.pageAt(chunk.start()), chunk.page());
      assertEquals(expectedHeadingPath(document.headings(), chunk.start()), chunk.headingPath());
      for (int c = chunk.start(); c < chunk.end(); c++) {
        covered[c] = true;
      }
      if (i > 0) {
        Chunk previous = chunks.get(i - 1);
        assertTrue(previous.start() < chunk.start() && previous.end() < chunk.end(), "in document order");
        if (overlap == 0) {
          assertTrue(previous.end() <= chunk.start(), "chunks do not overlap without an overlap");
        } else if (!contextual) {
          int shared = tokensWithin(tokens, chunk.start(), previous.end());
          assertTrue(shared >= overlap, () -> "windows share " + shared + " tokens, less than " + overlap);
        }
      }
    }
    for (int c = 0; c < text.length(); c++) {
      int at = c;
      assertTrue(covered[c] || Character.isWhitespace(text.charAt(c)), () -> "character " + at + " is in no chunk");
    }
  }

  private static String header(String title, PieceTokenizer tokenizer, int budget) {
    String stripped = title.strip();
    if (stripped.isEmpty()) {
      return "";
    }
    String header = stripped + "\n\n";
    return tokenizer.tokenize(header).count() * 4 <= budget ? header : "";
  }

  /** Titles of the last heading at or before {@code offset} and of its nearest lower-level ancestors. */
  private static List<String> expectedHeadingPath(List<Heading> headings, int offset) {
    List<Heading> path = new ArrayList<>();
    for (Heading h : headings) {
      if (h.offset() > offset) {
        break;
      }
      path.removeIf(p -> p.level() >= h.level());
      path.add(h);
    }
    return path.stream().map(Heading::title).toList();
  }

  private static int tokensWithin(TokenSpans tokens, int from, int to) {
    int n = 0;
    for (int i = 0; i < tokens.count(); i++) {
      if (tokens.start(i) >= from && tokens.end(i) <= to) {
        n++;
      }
    }
    return n;
  }

  @Provide
  Arbitrary<Document> documents() {
    Arbitrary<String> title =
        Arbitraries.oneOf(
            Arbitraries.just(""),
            Arbitraries.just("   "),
            words().list().ofMinSize(1).ofMaxSize(4).map(w -> String.join(" ", w)),
            words().list().ofMinSize(10).ofMaxSize(40).map(w -> String.join(" ", w)));
    return Combinators.combine(markdown(), title, Arbitraries.integers().between(0, 4))
        .as(ChunkerPropertiesTest::document);
  }

  private static Document document(String markdown, String title, int pageCount) {
    Document parsed;
    try {
      parsed = ChunkerExamplesTest.markdown(markdown);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<PageSpan> pages = new ArrayList<>();
    int length = markdown.length();
    for (int p = 0; p < pageCount; p++) {
      pages.add(new PageSpan(p + 1, length * p / pageCount, length * (p + 1) / pageCount));
    }
    return new Document("doc.md", title, markdown, parsed.metadata(), parsed.headings(), pages, "doc.md");
  }

  private Arbitrary<String> markdown() {
    Arbitrary<String> sentence =
        Combinators.combine(
                words().list().ofMinSize(1).ofMaxSize(25),
                Arbitraries.of(".", ".", "!", "?", "", "...", ".\""))
            .as((w, end) -> String.join(" ", w) + end);
    Arbitrary<String> paragraph =
        Combinators.combine(sentence.list().ofMinSize(1).ofMaxSize(8), Arbitraries.of(" ", " ", "\n"))
            .as((s, glue) -> String.join(glue, s));
    Arbitrary<String> heading =
        Combinators.combine(Arbitraries.integers().between(1, 4), words().list().ofMinSize(1).ofMaxSize(5))
            .as((level, w) -> "#".repeat(level) + " " + String.join(" ", w));
    Arbitrary<String> block = Arbitraries.frequencyOf(Tuple.of(4, paragraph), Tuple.of(1, heading));
    Arbitrary<String> separator = Arbitraries.of("\n\n", "\n\n", "\n", "\n\n\n", " \n \n\t", "\r\n\r\n");
    return Combinators.combine(
            block.list().ofMinSize(1).ofMaxSize(25),
            separator.list().ofSize(25),
            Arbitraries.of("", "", "\n\n  ", " "))
        .as(
            (blocks, separators, edge) -> {
              StringBuilder out = new StringBuilder(edge);
              for (int i = 0; i < blocks.size(); i++) {
                out.append(i == 0 ? "" : separators.get(i)).append(blocks.get(i));
              }
              return out.append(edge).toString();
            });
  }

  private static Arbitrary<String> words() {
    return Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10)),
        Tuple.of(3, Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(8)),
        Tuple.of(2, Arbitraries.integers().between(0, 100_000).map(String::valueOf)),
        Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(30).ofMaxLength(150)),
        Tuple.of(
            3,
            Arbitraries.of(
                "e.g.", "i.e.", "et al.", "Fig.", "3.14", "U.S.", "naïve", "café", "日本語です。", "😀",
                "e\u0301", "—", "(x)", "\"quoted\"", "ß", "İstanbul", "ﬁle", "a-b", "x_y", "#tag", "```")));
  }
}
