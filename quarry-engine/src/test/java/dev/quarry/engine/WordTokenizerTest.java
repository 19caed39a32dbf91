package dev.quarry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quarry.core.chunk.TokenSpans;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordTokenizerTest {

  @Test
  void wordsAndEachOtherVisibleCharacterAreTokensAtTheirOffsets() {
    String text = "Rotate keys, then  restart (v1.2)!";
    TokenSpans t = new WordTokenizer(512).tokenize(text);
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < t.count(); i++) {
      tokens.add(text.substring(t.start(i), t.end(i)));
    }
    assertEquals(List.of("Rotate", "keys", ",", "then", "restart", "(", "v1", ".", "2", ")", "!"), tokens);
    assertEquals(0, new WordTokenizer(512).tokenize(" \n ").count());
  }

  @Test
  void theContentLimitLeavesRoomForTheTwoSpecialTokens() {
    assertEquals(510, new WordTokenizer(512).maxContentTokens());
  }
}
