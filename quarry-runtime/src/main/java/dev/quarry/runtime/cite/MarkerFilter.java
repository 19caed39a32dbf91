package dev.quarry.runtime.cite;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * Passes answer text through as it arrives, removing citation markers that name no passage of the
 * context: {@code [7]} goes when there is no passage 7, {@code [1, 7]} becomes {@code [1]}. Text
 * from a {@code [} is held back only until the marker closes or proves not to be one (a character
 * other than digits, commas and spaces, or more than {@value #LONGEST} characters), so a stream is
 * delayed by a few characters at most. The streamed text and the final answer go through the same
 * filter, so they are the same text.
 */
public final class MarkerFilter {

  static final int LONGEST = 24;

  private final IntPredicate known;
  private final Consumer<String> out;
  private final StringBuilder held = new StringBuilder();
  private int removed;

  public MarkerFilter(IntPredicate known, Consumer<String> out) {
    this.known = Objects.requireNonNull(known, "known");
    this.out = Objects.requireNonNull(out, "out");
  }

  /** Filters the whole of {@code text} at once. */
  public static Filtered apply(String text, IntPredicate known) {
    StringBuilder sb = new StringBuilder(text.length());
    MarkerFilter f = new MarkerFilter(known, sb::append);
    f.accept(text);
    f.finish();
    return new Filtered(sb.toString(), f.removed());
  }

  /** Filtered text and how many marker numbers were removed from it. */
  public record Filtered(String text, int removed) {}

  public void accept(String delta) {
    StringBuilder pass = new StringBuilder(delta.length());
    for (int i = 0; i < delta.length(); i++) {
      char ch = delta.charAt(i);
      if (held.isEmpty()) {
        if (ch == '[') {
          held.append(ch);
        } else {
          pass.append(ch);
        }
        continue;
      }
      held.append(ch);
      if (ch == ']') {
        pass.append(resolve(held.toString()));
        held.setLength(0);
      } else if (ch == '[') {
        held.setLength(held.length() - 1);
        pass.append(held);
        held.setLength(0);
        held.append('[');
      } else if (!(Character.isDigit(ch) || ch == ',' || ch == ' ') || held.length() > LONGEST) {
        pass.append(held);
        held.setLength(0);
      }
    }
    if (!pass.isEmpty()) {
      out.accept(pass.toString());
    }
  }

  /** Releases held text at the end of the answer. */
  public void finish() {
    if (!held.isEmpty()) {
      out.accept(held.toString());
      held.setLength(0);
    }
  }

  /** Marker numbers removed so far. */
  public int removed() {
    return removed;
  }

  /** A complete bracketed group: a marker (filtered) or not a marker (as it is). */
  private String resolve(String group) {
    String inner = group.substring(1, group.length() - 1);
    List<String> keep = new ArrayList<>();
    for (String part : inner.split(",", -1)) {
      String p = part.strip();
      if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(Character::isDigit)) {
        return group;
      }
      if (known.test(Integer.parseInt(p))) {
        keep.add(p);
      } else {
        removed++;
      }
    }
    return keep.isEmpty() ? "" : "[" + String.join(", ", keep) + "]";
  }
}
