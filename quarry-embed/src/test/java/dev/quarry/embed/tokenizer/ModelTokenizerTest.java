package dev.quarry.embed.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chunk.TokenSpans;
import dev.quarry.embed.model.EmbeddingModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModelTokenizerTest {

  private static ModelTokenizer bge;
  private static ModelTokenizer miniLm;

  @BeforeAll
  static void load() {
    bge = ModelTokenizer.load(EmbeddingModels.byId("bge-small-en-v1.5-q"));
    miniLm = ModelTokenizer.load(EmbeddingModels.byId("all-minilm-l6-v2"));
  }

  @AfterAll
  static void close() {
    bge.close();
    miniLm.close();
  }

  static List<String> pieces(String text, TokenSpans spans) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < spans.count(); i++) {
      out.add(text.substring(spans.start(i), spans.end(i)));
    }
    return out;
  }

  static String words(int n) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < n; i++) {
      text.append("token").append(' ');
    }
    return text.toString().strip();
  }

  @Test
  void asciiOffsetsPointAtTheTokensWithoutSpecialTokens() {
    String text = "Hello, world! Tokenizers split words.";
    assertEquals(
        List.of("Hello", ",", "world", "!", "Token", "izer", "s", "split", "words", "."),
        pieces(text, bge.tokenize(text)));
  }

  @Test
  void nonAsciiOffsetsAreUtf16CharOffsets() {
    String text = "naïve café 東京 🙂 ok";
    assertEquals(List.of("naïve", "café", "東", "京", "🙂", "ok"), pieces(text, bge.tokenize(text)));
  }

  @Test
  void offsetsAfterSupplementaryCharactersStayAligned() {
    String text = "😀😀 𝔘nicode 🙂 tail words";
    List<String> pieces = pieces(text, bge.tokenize(text));
    assertEquals("tail", pieces.get(pieces.size() - 2));
    assertEquals("words", pieces.getLast());
    assertEquals("😀😀", pieces.getFirst());
  }

  @Test
  void aClosedTokenizerRefusesWork() {
    ModelTokenizer tokenizer = ModelTokenizer.load(EmbeddingModels.byId("all-minilm-l6-v2-q"));
    tokenizer.close();
    tokenizer.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> tokenizer.tokenize("x"));
    assertEquals("tokenizer of embedding model 'all-minilm-l6-v2-q' is closed", e.getMessage());
  }

  @Test
  void loadingOptsOutOfDjlTelemetrySoNothingCallsTheNetwork() {
    if (System.getenv("OPT_OUT_TRACKING") == null) {
      assertEquals("true", System.getProperty("OPT_OUT_TRACKING"));
    }
  }

  @Test
  void emptyTextHasNoTokens() {
    assertEquals(0, bge.tokenize("").count());
  }

  @Test
  void maxContentTokensLeavesRoomForClsAndSep() {
    assertEquals(510, bge.maxContentTokens());
    assertEquals(510, miniLm.maxContentTokens());
  }

  @Test
  void tokenizeNeverTruncatesEvenWhereTheTokenizerFileDoes() {
    // all-MiniLM's tokenizer.json truncates and pads at 128
    assertEquals(600, miniLm.tokenize(words(600)).count());
    assertEquals(3, miniLm.tokenize("three short words").count());
  }

  @Test
  void encodeAddsClsAndSepWithoutPadding() {
    ModelInput input = bge.encode("hello world");
    assertEquals(4, input.length());
    assertEquals(101, input.ids()[0]);
    assertEquals(102, input.ids()[3]);
    assertFalse(input.truncated());
  }

  @Test
  void encodeKeepsMiniLmInputsBeyond128Tokens() {
    ModelInput input = miniLm.encode(words(300));
    assertEquals(302, input.length());
  }

  @Test
  void encodeTruncatesTo512KeepingSepAtTheEnd() {
    ModelInput input = bge.encode(words(600) + " volcano eruption");
    assertEquals(512, input.length());
    assertEquals(604, input.untruncatedLength());
    assertTrue(input.truncated());
    assertEquals(101, input.ids()[0]);
    assertEquals(102, input.ids()[511]);
    assertEquals(input.ids()[1], input.ids()[510], "the last kept content token is the 510th, not the text's tail");
    assertEquals(512, input.typeIds().length);
  }

  @Test
  void windowsEndAfterASpaceOrLineBreakInTheirSecondHalf() {
    assertEquals(3, ModelTokenizer.windowEnd("abc", 0, 8), "a short rest is one window");
    assertEquals(6, ModelTokenizer.windowEnd("abcde fghij klmno", 0, 8), "after the space at 5");
    assertEquals(12, ModelTokenizer.windowEnd("abcde fghij\nklmno", 6, 8), "after the line break at 11");
    assertEquals(8, ModelTokenizer.windowEnd("a bcdefghijklmno", 0, 8), "no space in the second half: cut at 8");
    assertEquals(7, ModelTokenizer.windowEnd("abcdefg\uD83D\uDE00hij", 0, 8), "a surrogate pair is not split");
  }

  @Test
  void aLongDocumentIsTokenizedInWindowsWithOffsetsIntoTheWholeText() {
    String sentence = "Microstructural development of human newborn cerebral white matter, naïve café 🙂.\n";
    String text = sentence.repeat(3 * ModelTokenizer.WINDOW_CHARS / sentence.length());
    TokenSpans spans = bge.tokenize(text);
    TokenSpans one = bge.tokenize(sentence);
    assertEquals(one.count() * (text.length() / sentence.length()), spans.count());
    List<String> expected = pieces(sentence, one);
    List<String> all = pieces(text, spans);
    for (int i = 0; i < all.size(); i++) {
      assertEquals(expected.get(i % expected.size()), all.get(i), "token " + i);
    }
  }
}
