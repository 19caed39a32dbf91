package dev.quarry.ingest.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quarry.core.chunk.TokenSpans;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test tokenizer must be right for the chunker tests to mean anything. */
class PieceTokenizerTest {

  @Test
  void splitsWordsIntoPiecesOfFourAndPunctuationAlone() {
    assertEquals(
        List.of("Hell", "o", ",", "worl", "d", "!", "abcd", "efgh", "😀", "日本語"),
        pieces(new PieceTokenizer(10), "Hello, world!  abcdefgh 😀日本語"));
  }

  @Test
  void canSplitTheFirstWordIntoCharacters() {
    assertEquals(List.of("H", "e", "l", "l", "o", "worl", "d"), pieces(new PieceTokenizer(10, true), " Hello world"));
  }

  private static List<String> pieces(PieceTokenizer tokenizer, String text) {
    TokenSpans spans = tokenizer.tokenize(text);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < spans.count(); i++) {
      out.add(text.substring(spans.start(i), spans.end(i)));
    }
    return out;
  }
}
