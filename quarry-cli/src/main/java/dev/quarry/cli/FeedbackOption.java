package dev.quarry.cli;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.search.VectorFeedback;
import java.util.Locale;
import java.util.Optional;

/** Reads a vector feedback setting as the command line gives it: {@code off} or {@code DOCS:WEIGHT}. */
final class FeedbackOption {

  private FeedbackOption() {}

  /** {@code value} of {@code option}: empty for {@code off}, else the feedback it names. */
  static Optional<VectorFeedback> parse(String option, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("off")) {
      return Optional.empty();
    }
    int colon = v.indexOf(':');
    if (colon < 0) {
      throw new InvalidInputException(option + " takes off or DOCS:WEIGHT (e.g. 5:1.0); got: " + value);
    }
    try {
      return Optional.of(new VectorFeedback(Integer.parseInt(v.substring(0, colon)), Double.parseDouble(v.substring(colon + 1))));
    } catch (NumberFormatException e) {
      throw new InvalidInputException(option + " takes off or DOCS:WEIGHT (e.g. 5:1.0), DOCS an integer and WEIGHT a "
          + "number; got: " + value, e);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(option + " " + value + ": " + e.getMessage(), e);
    }
  }
}
