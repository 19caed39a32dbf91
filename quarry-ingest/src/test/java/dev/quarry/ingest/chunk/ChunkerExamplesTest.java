package dev.quarry.ingest.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.chunk.Chunker;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.chunk.ChunkingStrategy;
import dev.quarry.core.chunk.TokenSpans;
import dev.quarry.core.chunk.Tokenizer;
import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.PageSpan;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.ingest.parse.IngestLimits;
import dev.quarry.ingest.parse.MarkdownParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunkerExamplesTest {

  private static final PieceTokenizer TOKENIZER = new PieceTokenizer(510);

  @Test
  void headingPathsNameTheEnclosingSectionsAtTheChunkStart() throws IOException {
    String md =
        """
        # Guide

        %s

        ## Install

        %s

        ### Linux

        %s

        ## Use

        %s
        """
            .formatted(prose(30), prose(30), prose(30), prose(30));
    Document doc = markdown(md);
    List<Chunk> chunks = chunker(ChunkingStrategy.RECURSIVE, 60).chunk(doc);

    assertEquals(List.of("Guide"), pathAt(chunks, md.indexOf("# Guide")));
    assertEquals(List.of("Guide", "Install"), pathAt(chunks, md.indexOf("## Install")));
    assertEquals(List.of("Guide", "Install", "Linux"), pathAt(chunks, md.indexOf("### Linux")));
    assertEquals(List.of("Guide", "Use"), pathAt(chunks, md.indexOf("## Use")));
  }

  @Test
  void aSectionTooLargeForOneChunkStartsItsOwnChunkAndSplitsAtParagraphs() throws IOException {
    String md = "# A\n\n" + prose(8) + "\n\n# B\n\n" + prose(20) + "\n\n" + prose(20) + "\n\n" + prose(20) + "\n\n# C\n\n" + prose(8);
    Document doc = markdown(md);
    List<Chunk> chunks = chunker(ChunkingStrategy.RECURSIVE, 50).chunk(doc);
    List<Integer> starts = chunks.stream().map(Chunk::start).toList();
    assertTrue(starts.contains(md.indexOf("# B")), "section B starts a chunk: " + starts);
    assertTrue(starts.contains(md.indexOf("# C")), "the tail of B is not merged into C: " + starts);
    for (Chunk chunk : chunks) {
      assertTrue(
          chunk.start() == 0 || md.startsWith("\n\n", chunk.start() - 2),
          () -> "every chunk starts a paragraph: " + chunk.text());
    }
  }

  @Test
  void smallParagraphsArePackedGreedilyUpToTheBudget() {
    String text = IntStream.range(0, 9).mapToObj(i -> prose(10)).collect(Collectors.joining("\n\n"));
    List<Chunk> chunks = chunker(ChunkingStrategy.RECURSIVE, 35).chunk(Document.of("d", "", text, Metadata.empty()));
    // Each paragraph is 10 words of one token plus a final dot: 11 tokens, three fit in 35.
    assertEquals(3, chunks.size());
    assertTrue(chunks.stream().allMatch(c -> c.text().split("\n\n").length == 3));
  }

  @Test
  void pageIsThePageHoldingTheChunkStart() {
    String page1 = prose(30);
    String page2 = prose(30);
    String page3 = prose(30);
    String text = page1 + "\n\n" + page2 + "\n\n" + page3;
    int p2 = page1.length() + 2;
    int p3 = p2 + page2.length() + 2;
    Document doc =
        new Document(
            "report.pdf", "", text, Metadata.empty(), List.of(),
            List.of(new PageSpan(1, 0, page1.length()), new PageSpan(2, p2, p2 + page2.length()), new PageSpan(3, p3, text.length())),
            "report.pdf");
    for (ChunkingStrategy strategy : ChunkingStrategy.values()) {
      List<Chunk> chunks = chunker(strategy, 20).chunk(doc);
      assertTrue(chunks.size() > 3);
      for (Chunk chunk : chunks) {
        int expected = chunk.start() < p2 ? 1 : chunk.start() < p3 ? 2 : 3;
        assertEquals(expected, chunk.page(), () -> strategy + " chunk at " + chunk.start());
      }
      assertEquals(List.of(1, 2, 3), chunks.stream().map(Chunk::page).distinct().toList());
    }
  }

  @Test
  void withoutPagesThePageIsZero() {
    Chunk chunk = chunker(ChunkingStrategy.SENTENCE, 100).chunk(Document.of("d", "", "One. Two.", Metadata.empty())).getFirst();
    assertEquals(0, chunk.page());
  }

  @Test
  void theTitleHeadsTheEmbeddingTextWhenItTakesAtMostAQuarterOfTheBudget() {
    String text = prose(10);
    // Budget 16: a quarter is 4 tokens. "abcd efgh ijkl mnop" is 4 tokens, one more word makes 5.
    Chunk withTitle = chunker(ChunkingStrategy.RECURSIVE, 16).chunk(Document.of("d", " abcd efgh ijkl mnop ", text, Metadata.empty())).getFirst();
    assertEquals("abcd efgh ijkl mnop\n\n" + withTitle.text(), withTitle.embeddingText());
    Chunk tooLong = chunker(ChunkingStrategy.RECURSIVE, 16).chunk(Document.of("d", "abcd efgh ijkl mnop qrst", text, Metadata.empty())).getFirst();
    assertEquals(tooLong.text(), tooLong.embeddingText());
  }

  @Test
  void theModelLimitCapsTheConfiguredBudget() {
    Tokenizer small = new PieceTokenizer(20);
    Chunker chunker = new RecursiveChunker(new ChunkerConfig(ChunkingStrategy.RECURSIVE, 512, 0), small);
    List<Chunk> chunks = chunker.chunk(Document.of("d", "Title", prose(200), Metadata.empty()));
    assertTrue(chunks.size() >= 10);
    chunks.forEach(c -> assertTrue(small.tokenize(c.embeddingText()).count() <= 20, c.embeddingText()));
  }

  @Test
  void sentenceChunksHoldWholeSentences() {
    String text = "First sentence is here. Second one follows it! Is this the third? The fourth ends it.";
    List<Chunk> chunks = chunker(ChunkingStrategy.SENTENCE, 16).chunk(Document.of("d", "", text, Metadata.empty()));
    assertEquals(
        List.of("First sentence is here. Second one follows it!", "Is this the third? The fourth ends it."),
        chunks.stream().map(Chunk::text).toList());
  }

  @Test
  void aSentenceLongerThanTheBudgetIsSplitAtWordBreaks() {
    // The long sentence is 11 words of 4 tokens and a dot: 45 tokens, windows of 16, 16 and 13.
    String text = "Short one. " + "Averylongwordish ".repeat(11).strip() + ". Short two.";
    List<Chunk> chunks = chunker(ChunkingStrategy.SENTENCE, 16).chunk(Document.of("d", "", text, Metadata.empty()));
    assertEquals(5, chunks.size(), chunks::toString);
    for (Chunk chunk : chunks) {
      assertTrue(chunk.end() == text.length() || text.charAt(chunk.end()) == ' ', () -> "ends at a word break: " + chunk.text());
    }
  }

  @Test
  void tokenWindowsOverlapByAtLeastTheConfiguredTokensAndEndAtWordBreaks() {
    String text = IntStream.range(0, 200).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    Chunker chunker = new TokenWindowChunker(new ChunkerConfig(ChunkingStrategy.TOKEN_WINDOW, 20, 5), TOKENIZER);
    List<Chunk> chunks = chunker.chunk(Document.of("d", "", text, Metadata.empty()));
    assertEquals("w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19", chunks.getFirst().text());
    assertEquals("w15 w16 w17 w18 w19 w20 w21 w22 w23 w24 w25 w26 w27 w28 w29 w30 w31 w32 w33 w34", chunks.get(1).text());
    assertEquals("w199", chunks.getLast().text().substring(chunks.getLast().text().lastIndexOf(' ') + 1));
  }

  @Test
  void tokenWindowsBackOffToAWordBreakInTheirLastEighthElseSplitTheWord() {
    // Budget 16, so the last eighth is 2 tokens: the 15-token word ends the first window early;
    // the 50-token word has no break and is cut every 16 tokens (64 characters).
    String text = "a".repeat(60) + " " + "x".repeat(200);
    List<Chunk> chunks = chunker(ChunkingStrategy.TOKEN_WINDOW, 16).chunk(Document.of("d", "", text, Metadata.empty()));
    assertEquals(List.of(60, 64, 64, 64, 8), chunks.stream().map(c -> c.text().length()).toList());
  }

  @Test
  void repairsChunksThatTheTokenizerCountsLongerOnTheirOwn() {
    PieceTokenizer contextual = new PieceTokenizer(510, true);
    String text = IntStream.range(0, 60).mapToObj(i -> "abcdefghijkl").collect(Collectors.joining(" "));
    for (ChunkingStrategy strategy : ChunkingStrategy.values()) {
      Chunker chunker = Chunkers.create(new ChunkerConfig(strategy, 16, 0), contextual);
      List<Chunk> chunks = chunker.chunk(Document.of("d", "", text, Metadata.empty()));
      for (Chunk chunk : chunks) {
        assertTrue(contextual.tokenize(chunk.embeddingText()).count() <= 16, () -> strategy + ": " + chunk.embeddingText());
      }
      assertEquals(text.replace(" ", ""), chunks.stream().map(Chunk::text).collect(Collectors.joining()).replace(" ", ""));
    }
  }

  @Test
  void neverCutsBetweenTokensThatShareACharacter() {
    // Every token is reported twice with the same offsets, as tokenizers do for a character that
    // normalizes into several tokens.
    Tokenizer doubled =
        new Tokenizer() {
          @Override
          public TokenSpans tokenize(String text) {
            TokenSpans spans = TOKENIZER.tokenize(text);
            int[] starts = new int[spans.count() * 2];
            int[] ends = new int[spans.count() * 2];
            for (int i = 0; i < spans.count(); i++) {
              starts[2 * i] = starts[2 * i + 1] = spans.start(i);
              ends[2 * i] = ends[2 * i + 1] = spans.end(i);
            }
            return new TokenSpans(starts, ends);
          }

          @Override
          public int maxContentTokens() {
            return 510;
          }
        };
    String text = "x".repeat(100);
    List<Chunk> chunks = Chunkers.create(new ChunkerConfig(ChunkingStrategy.TOKEN_WINDOW, 17, 0), doubled)
        .chunk(Document.of("d", "", text, Metadata.empty()));
    assertEquals(List.of(32, 32, 32, 4), chunks.stream().map(c -> c.text().length()).toList());
    chunks.forEach(c -> assertTrue(doubled.tokenize(c.embeddingText()).count() <= 17));
  }

  @Test
  void aBlankDocumentHasNoChunks() {
    for (ChunkingStrategy strategy : ChunkingStrategy.values()) {
      assertEquals(List.of(), chunker(strategy, 16).chunk(Document.of("d", "T", " \n\t ", Metadata.empty())));
    }
  }

  @Test
  void aTextTheTokenizerFindsNoTokensInIsOneChunk() {
    Tokenizer silent =
        new Tokenizer() {
          @Override
          public TokenSpans tokenize(String text) {
            return new TokenSpans(new int[0], new int[0]);
          }

          @Override
          public int maxContentTokens() {
            return 510;
          }
        };
    for (ChunkingStrategy strategy : ChunkingStrategy.values()) {
      List<Chunk> chunks =
          Chunkers.create(new ChunkerConfig(strategy, 64, 0), silent)
              .chunk(Document.of("d", "", "\n \u200b\u200b \n", Metadata.empty()));
      assertEquals(List.of("\u200b\u200b"), chunks.stream().map(Chunk::text).toList(), strategy::name);
    }
  }

  @Test
  void factoryBuildsTheConfiguredStrategy() {
    assertInstanceOf(TokenWindowChunker.class, Chunkers.create(new ChunkerConfig(ChunkingStrategy.TOKEN_WINDOW, 64, 8), TOKENIZER));
    assertInstanceOf(RecursiveChunker.class, Chunkers.create(ChunkerConfig.DEFAULT, TOKENIZER));
    assertInstanceOf(SentenceChunker.class, Chunkers.create(new ChunkerConfig(ChunkingStrategy.SENTENCE, 64, 0), TOKENIZER));
  }

  @Test
  void rejectsAConfigForAnotherStrategy() {
    var e = assertThrows(IllegalArgumentException.class, () -> new SentenceChunker(ChunkerConfig.DEFAULT, TOKENIZER));
    assertEquals("this chunker implements strategy SENTENCE, got a config for: RECURSIVE", e.getMessage());
  }

  @Test
  void rejectsAnOverlapNotBelowHalfTheBudgetCappedByTheModel() {
    var config = new ChunkerConfig(ChunkingStrategy.TOKEN_WINDOW, 512, 100);
    var e = assertThrows(IllegalArgumentException.class, () -> new TokenWindowChunker(config, new PieceTokenizer(150)));
    assertEquals(
        "chunker overlapTokens must be below half the budget of 150 tokens (maxTokens 512 capped by the model's 150), got: 100",
        e.getMessage());
  }

  @Test
  void rejectsATokenizerWithoutRoom() {
    var e = assertThrows(IllegalArgumentException.class, () -> new RecursiveChunker(ChunkerConfig.DEFAULT, new PieceTokenizer(0)));
    assertEquals("tokenizer maxContentTokens must be at least 1, got: 0", e.getMessage());
  }

  @Test
  void reportsATokenizerWhoseOffsetsLeaveTheText() {
    Tokenizer broken =
        new Tokenizer() {
          @Override
          public TokenSpans tokenize(String text) {
            return new TokenSpans(new int[] {0}, new int[] {text.length() + 1});
          }

          @Override
          public int maxContentTokens() {
            return 100;
          }
        };
    var e = assertThrows(IllegalStateException.class, () -> Chunkers.create(ChunkerConfig.DEFAULT, broken).chunk(Document.of("d", "", "abc", Metadata.empty())));
    assertEquals("tokenizer returned token 0 at [0, 4) outside a text of length 3", e.getMessage());
  }

  /** {@code words} one-token words ending with a dot: {@code words + 1} tokens. */
  static String prose(int words) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < words; i++) {
      out.add(i % 7 == 0 ? "Lor" : "ips");
    }
    return String.join(" ", out) + ".";
  }

  private static Chunker chunker(ChunkingStrategy strategy, int maxTokens) {
    return Chunkers.create(new ChunkerConfig(strategy, maxTokens, 0), TOKENIZER);
  }

  private static List<String> pathAt(List<Chunk> chunks, int start) {
    return chunks.stream()
        .filter(c -> c.start() == start)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no chunk starts at " + start + ": " + chunks.stream().map(Chunk::start).toList()))
        .headingPath();
  }

  static Document markdown(String md) throws IOException {
    List<ParseOutcome> out = new ArrayList<>();
    new MarkdownParser(IngestLimits.DEFAULT).parse("doc.md", new ByteArrayInputStream(md.getBytes(StandardCharsets.UTF_8)), out::add);
    return ((ParseOutcome.Parsed) out.getFirst()).document();
  }
}
