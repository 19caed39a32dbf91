package dev.quarry.embed.tokenizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chunk.TokenSpans;
import dev.quarry.embed.model.EmbeddingModels;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
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

  private static void checkSpans(String text) {
    TokenSpans spans = tokenizer.tokenize(text);
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
