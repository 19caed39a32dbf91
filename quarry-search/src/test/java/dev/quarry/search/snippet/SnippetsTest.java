package dev.quarry.search.snippet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SnippetsTest {

  @Test
  void shortTextIsReturnedWhole() {
    assertEquals("Short text.", Snippets.of("  Short text. ", "anything", 100));
  }

  @Test
  void snippetStartsAtTheSentenceHoldingTheFirstQueryWord() {
    String text = "Filler sentence one is here. ".repeat(20) + "Vitamin D lowers the risk of fractures. "
        + "More filler follows after it. ".repeat(20);
    String s = Snippets.of(text, "does vitamin D help", 80);
    assertTrue(s.startsWith("…Vitamin D lowers"), s);
    assertTrue(s.endsWith("…"), s);
    assertTrue(s.length() <= 82, "length " + s.length());
  }

  @Test
  void withoutAMatchTheOpeningIsShown() {
    String text = "Alpha beta gamma delta. ".repeat(30);
    String s = Snippets.of(text, "zebra", 50);
    assertTrue(s.startsWith("Alpha beta"), s);
  }
}
