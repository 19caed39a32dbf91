package dev.quarry.embed.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chunk.TokenSpans;
import dev.quarry.embed.model.EmbeddingModels;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class TokenSpanPropertiesTest {

  private static ModelTokenizer tokenizer;

  @BeforeContainer
  static void load() {
    tokenizer = ModelTokenizer.load(EmbeddingModels.defaultModel());
  }

  @AfterContainer
  static void close() {
    tokenizer.close();
  }

  @Property(tries = 300)
  void spansAreOrderedAndInsideTheText(@ForAll @StringLength(max = 80) String text) {
    checkSpans(text);
  }

  @Property(tries = 200)
  void spansStayInsideTextFullOfSurrogatesAndAccents(
      @ForAll @StringLength(max = 60)
          @Chars({' ', 'a', 'é', '東', '\uD83D', '\uDE00', '\u0301', '.', '-'})
          @CharRange(from = 'x', to = 'z')
          String text) {
    checkSpans(text);
  }

  /**
   * Tokenizing in windows cut after a space or line break gives the tokens of one call (issue 7,
   * item 9: one call on a 7 MB document held 800 MB of native memory), offsets included. Texts are
   * well-formed (no lone surrogate) with words of at most 3 pieces (6 chars), so every window of 14
   * or more chars has a cut in its second half.
   */
  @Property(tries = 300)
  void windowsGiveTheTokensOfOneCall(
      @ForAll @StringLength(max = 300) @CharRange(from = 'a', to = 'm') String codes,
      @ForAll @IntRange(min = 14, max = 64) int window) {
    String text = wellFormed(codes, 3);
    TokenSpans whole = tokenizer.tokenize(text, Integer.MAX_VALUE);
    TokenSpans windowed = tokenizer.tokenize(text, window);
    assertArrayEquals(whole.starts(), windowed.starts(), "starts, window " + window + ", text '" + text + "'");
    assertArrayEquals(whole.ends(), windowed.ends(), "ends, window " + window + ", text '" + text + "'");
  }

  /** Windows that must cut a long word still give ordered spans inside the text. */
  @Property(tries = 100)
  void windowsWithoutASpaceStillGiveSpansInsideTheText(
      @ForAll @StringLength(max = 200) @Chars({'a', 'é', '\uD83D', '\uDE00', ' '}) String text,
      @ForAll @IntRange(min = 2, max = 40) int window) {
    checkSpans(text, tokenizer.tokenize(text, window));
  }

  private static final String[] PIECES = {" ", " ", "\n", "a", "b", "é", "東", "🙂", ".", ",", "-", "7", "x"};

  /** One piece of {@link #PIECES} per char of {@code codes} ('a' the first), and a space after every {@code max} pieces without one. */
  private static String wellFormed(String codes, int max) {
    StringBuilder out = new StringBuilder();
    int run = 0;
    for (int i = 0; i < codes.length(); i++) {
      String piece = PIECES[codes.charAt(i) - 'a'];
      if (run >= max) {
        out.append(' ');
        run = 0;
      }
      out.append(piece);
      run = piece.isBlank() ? 0 : run + 1;
    }
    return out.toString();
  }

  private static void checkSpans(String text) {
    checkSpans(text, tokenizer.tokenize(text));
  }

  private static void checkSpans(String text, TokenSpans spans) {
    int previousStart = 0;
    for (int i = 0; i < spans.count(); i++) {
      int start = spans.start(i);
      int end = spans.end(i);
      assertTrue(0 <= start && start <= end && end <= text.length(), "span " + i + " [" + start + ", " + end + ")");
      assertTrue(start >= previousStart, "span " + i + " starts before span " + (i - 1));
      previousStart = start;
    }
  }
}
