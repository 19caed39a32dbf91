package dev.quarry.ingest.chunk;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Finds where sentences start in prose, by rule rather than model: fast, deterministic, and good
 * enough to keep chunk boundaries off mid-sentence positions.
 *
 * <p>A sentence ends at {@code .}, {@code !}, {@code ?} or {@code …} (a run of them, then any
 * closing quotes or brackets) followed by whitespace and then, after optional opening quotes or
 * brackets, an upper-case letter or a digit; at {@code 。！？} without needing either; at a blank
 * line; and at a line break unless the next line starts with a lower-case letter (a wrapped line
 * continuing its sentence). A single {@code .} does not end a sentence after a known abbreviation
 * ({@code e.g.}, {@code i.e.}, {@code et al.}, {@code Dr.}, {@code vs.}, ...), after a word with
 * inner dots ({@code U.S.}), after a single letter (an initial), or after {@code Fig.}, {@code No.},
 * {@code p.} and similar when a digit follows. Decimals never qualify, as no whitespace follows the
 * dot. Sentences that start in lower case are not separated.
 */
public final class SentenceSplitter {

  private static final Set<String> ABBREVIATIONS =
      Set.of(
          "al", "approx", "ca", "cf", "dept", "dr", "est", "jr", "mr", "mrs", "ms", "mt", "prof",
          "resp", "sr", "st", "univ", "viz", "vs");

  private static final Set<String> BEFORE_NUMBERS =
      Set.of(
          "art", "ch", "chap", "eq", "eqs", "fig", "figs", "no", "nos", "p", "pp", "ref", "refs",
          "sec", "suppl", "tab", "vol", "vols");

  private SentenceSplitter() {}

  /** Ascending offsets where a sentence starts, excluding the start of the text. */
  public static int[] starts(String text) {
    int[] out = new int[16];
    int n = 0;
    int i = 0;
    int length = text.length();
    boolean seenText = false;
    while (i < length) {
      char c = text.charAt(i);
      int next = -1;
      if (c == '\n') {
        next = seenText ? afterLineBreak(text, i) : -1;
      } else if (c == '.' || c == '!' || c == '?' || c == '…') {
        next = afterTerminator(text, i);
      } else if (c == '。' || c == '！' || c == '？') {
        next = skipWhitespace(text, skipClosers(text, i + 1));
      }
      if (next > 0 && next < length && (n == 0 || out[n - 1] < next)) {
        if (n == out.length) {
          out = Arrays.copyOf(out, n * 2);
        }
        out[n++] = next;
        i = next;
      } else {
        i++;
      }
      seenText |= !Character.isWhitespace(c);
    }
    return Arrays.copyOf(out, n);
  }

  /** The start of the next sentence if the line break at {@code i} ends one, else -1. */
  private static int afterLineBreak(String text, int i) {
    int newlines = 0;
    int j = i;
    while (j < text.length() && Character.isWhitespace(text.charAt(j))) {
      if (text.charAt(j) == '\n') {
        newlines++;
      }
      j++;
    }
    if (j == text.length()) {
      return -1;
    }
    return newlines >= 2 || !Character.isLowerCase(text.codePointAt(j)) ? j : -1;
  }

  /** The start of the next sentence if the terminator at {@code i} ends one, else -1. */
  private static int afterTerminator(String text, int i) {
    int j = i;
    while (j < text.length() && isTerminator(text.charAt(j))) {
      j++;
    }
    boolean singleDot = j == i + 1 && text.charAt(i) == '.';
    j = skipClosers(text, j);
    int afterClosers = j;
    j = skipWhitespace(text, j);
    if (j == afterClosers || j == text.length()) {
      return -1;
    }
    int sentenceStart = j;
    while (j < text.length() && isOpener(text.charAt(j))) {
      j++;
    }
    if (j == text.length()) {
      return -1;
    }
    int first = text.codePointAt(j);
    boolean digit = Character.isDigit(first);
    if (!digit && !Character.isUpperCase(first) && !Character.isTitleCase(first)) {
      return -1;
    }
    if (singleDot && isAbbreviation(text, i, digit)) {
      return -1;
    }
    return sentenceStart;
  }

  /** Whether the word ending at the dot {@code dot} is an abbreviation, given what follows. */
  private static boolean isAbbreviation(String text, int dot, boolean digitFollows) {
    int start = dot;
    while (start > 0
        && (Character.isLetter(text.charAt(start - 1)) || text.charAt(start - 1) == '.')) {
      start--;
    }
    String word = text.substring(start, dot);
    if (word.isEmpty()) {
      return false;
    }
    if (word.indexOf('.') >= 0 || (word.length() == 1 && Character.isLetter(word.charAt(0)))) {
      return true;
    }
    String lower = word.toLowerCase(Locale.ROOT);
    return ABBREVIATIONS.contains(lower) || (digitFollows && BEFORE_NUMBERS.contains(lower));
  }

  private static boolean isTerminator(char c) {
    return c == '.' || c == '!' || c == '?' || c == '…';
  }

  private static int skipClosers(String text, int j) {
    while (j < text.length() && "\"')]}’”»".indexOf(text.charAt(j)) >= 0) {
      j++;
    }
    return j;
  }

  private static boolean isOpener(char c) {
    return "\"'([{‘“«".indexOf(c) >= 0;
  }

  private static int skipWhitespace(String text, int j) {
    while (j < text.length() && Character.isWhitespace(text.charAt(j))) {
      j++;
    }
    return j;
  }
}
