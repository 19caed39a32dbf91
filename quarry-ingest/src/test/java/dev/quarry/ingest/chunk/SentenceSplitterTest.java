package dev.quarry.ingest.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

  @Test
  void splitsAfterTerminatorsFollowedByAnUpperCaseLetterOrDigit() {
    assertEquals(
        List.of("Really?", "Yes!", "It works.", "42 is the answer."),
        sentences("Really? Yes! It works. 42 is the answer."));
  }

  @Test
  void doesNotSplitAfterAbbreviationsInitialsOrInnerDots() {
    assertEquals(
        List.of("Dr. Smith et al. Showed e.g. that i.e. this holds in the U.S. Army.", "Next."),
        sentences("Dr. Smith et al. Showed e.g. that i.e. this holds in the U.S. Army. Next."));
    assertEquals(List.of("J. R. R. Tolkien wrote it."), sentences("J. R. R. Tolkien wrote it."));
  }

  @Test
  void figureAndNumberAbbreviationsHoldBeforeDigitsOnly() {
    assertEquals(
        List.of("As Fig. 3 and No. 5 show.", "See the Fig.", "Then stop."),
        sentences("As Fig. 3 and No. 5 show. See the Fig. Then stop."));
  }

  @Test
  void neverSplitsDecimalsOrVersionNumbers() {
    assertEquals(
        List.of("Values were 3.14 and 2.5.", "Version 2.0 is out."),
        sentences("Values were 3.14 and 2.5. Version 2.0 is out."));
  }

  @Test
  void keepsClosingQuotesAndBracketsWithTheirSentence() {
    assertEquals(
        List.of("He said \"Stop.\"", "Then left.", "(See below.)", "\"Quoted\" start."),
        sentences("He said \"Stop.\" Then left. (See below.) \"Quoted\" start."));
  }

  @Test
  void aLowerCaseStartDoesNotStartASentence() {
    assertEquals(List.of("It costs approx. ten. and more."), sentences("It costs approx. ten. and more."));
  }

  @Test
  void lineBreaksEndSentencesUnlessTheNextLineContinuesInLowerCase() {
    assertEquals(
        List.of("Line one", "Line two wraps\ninto the next line", "- a list item"),
        sentences("Line one\nLine two wraps\ninto the next line\n- a list item"));
  }

  @Test
  void aBlankLineAlwaysEndsASentence() {
    assertEquals(List.of("Para one", "lower case para"), sentences("Para one\n\nlower case para"));
  }

  @Test
  void splitsAfterCjkTerminatorsWithoutWhitespace() {
    assertEquals(List.of("日本語です。", "次の文です！", "本当？"), sentences("日本語です。次の文です！本当？"));
  }

  @Test
  void anEllipsisCanEndASentence() {
    assertEquals(List.of("Wait...", "What?"), sentences("Wait... What?"));
  }

  @Test
  void leadingAndTrailingWhitespaceMakeNoSentences() {
    assertEquals(List.of("One.", "Two."), sentences("\n\n  One. Two.\n\n"));
    assertEquals(0, SentenceSplitter.starts("").length);
  }

  private static List<String> sentences(String text) {
    int[] starts = SentenceSplitter.starts(text);
    List<String> out = new ArrayList<>();
    int from = 0;
    for (int start : starts) {
      out.add(text.substring(from, start).strip());
      from = start;
    }
    out.add(text.substring(from).strip());
    out.removeIf(String::isEmpty);
    return out;
  }
}
