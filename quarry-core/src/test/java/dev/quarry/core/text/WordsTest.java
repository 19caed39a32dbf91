package dev.quarry.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WordsTest {

  @Test
  void aWordIsARunOfCharactersThatAreNotWhiteSpace() {
    assertEquals(0, Words.count(""));
    assertEquals(0, Words.count(" \t\n "));
    assertEquals(1, Words.count("vitamin-D3,"));
    assertEquals(4, Words.count("  Rotate keys\tyearly,\n(always). "));
  }
}
