package dev.quarry.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How one event changes an experiment's running totals, the rules of {@code ExperimentReport}
 * (quarry-experiment) taken one event at a time. An impression counts for its arm, or for every arm
 * when interleaved. A click, rating or dwell is credited to the impression's arm, or when
 * interleaved to the arm of the first shown entry of its document (none without a document). An
 * interleaved impression's outcome compares the entries of its distinct clicked documents that
 * the first and the second arm contributed ({@link Outcome}). Ratings and dwell times keep count,
 * sum and Welford's sum of squared deviations ({@link #withValue}).
 */
final class ExperimentTally {

  static final String INTERLEAVE = "interleave";
  static final String CLICK = "click";
  static final String RATING = "rating";
  static final String DWELL = "dwell";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ExperimentTally() {}

  /** A shown document and, when interleaved, the arm that contributed it. */
  record Shown(String doc, Optional<String> arm) {}

  /** An interleaved impression's outcome for the first arm. */
  enum Outcome {
    WIN, LOSS, TIE, NO_CLICK;

    /** The outcome of credits {@code first} and {@code second} (entries of clicked documents per arm). */
    static Outcome of(long first, long second) {
      if (first == 0 && second == 0) {
        return NO_CLICK;
      }
      return first > second ? WIN : second > first ? LOSS : TIE;
    }
  }

  /** Count, sum and sum of squared deviations from the mean of some values. */
  record Moments(long n, double sum, double squaredDeviations) {
    static final Moments NONE = new Moments(0, 0, 0);

    /**
     * Welford's update: the sum of squared deviations grows by (x - old mean)(x - new mean), in
     * exactly the operations {@code ExperimentTotalsTable.addValue} does in SQL (no clamping: a sum
     * of equal values can end a rounding error below 0; the report reads that as 0).
     */
    Moments withValue(double x) {
      if (n == 0) {
        return new Moments(1, sum + x, squaredDeviations);
      }
      double newSum = sum + x;
      return new Moments(n + 1, newSum, squaredDeviations + (x - sum / n) * (x - newSum / (n + 1)));
    }
  }

  /** The arm names of an experiment's stored arms (JSON: objects with a {@code name}), in order. */
  static List<String> armNames(String armsJson) {
    List<String> out = new ArrayList<>();
    for (JsonNode arm : read(armsJson, "arms")) {
      out.add(arm.path("name").asText());
    }
    return out;
  }

  /** An impression's stored {@code shown} (JSON: objects with {@code doc} and, when interleaved, {@code arm}). */
  static List<Shown> shown(String shownJson) {
    List<Shown> out = new ArrayList<>();
    for (JsonNode s : read(shownJson, "shown documents")) {
      out.add(new Shown(s.path("doc").asText(),
          s.hasNonNull("arm") ? Optional.of(s.get("arm").asText()) : Optional.empty()));
    }
    return out;
  }

  /** The arms an impression counts for: every arm of an interleaved experiment, else its own. */
  static List<String> countedArms(String kind, List<String> arms, Optional<String> impressionArm) {
    return INTERLEAVE.equals(kind) ? arms : impressionArm.stream().toList();
  }

  /** The arm an event on {@code doc} (or the whole response) of this impression is credited to. */
  static Optional<String> creditedArm(Optional<String> impressionArm, List<Shown> shown, Optional<String> doc) {
    if (doc.isEmpty() || impressionArm.isPresent()) {
      return impressionArm;
    }
    return shown.stream().filter(s -> s.doc().equals(doc.get())).findFirst().flatMap(Shown::arm);
  }

  /**
   * What a newly clicked document adds to an interleaved impression's credits: its entries the
   * first arm contributed, and those the second did ({@code {first, second}}).
   */
  static long[] credits(List<Shown> shown, String doc, List<String> arms) {
    long[] out = new long[2];
    if (arms.size() < 2) {
      return out;
    }
    for (Shown s : shown) {
      if (s.doc().equals(doc) && s.arm().isPresent()) {
        if (s.arm().get().equals(arms.get(0))) {
          out[0]++;
        } else if (s.arm().get().equals(arms.get(1))) {
          out[1]++;
        }
      }
    }
    return out;
  }

  private static JsonNode read(String json, String what) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || !node.isArray()) {
        throw new IllegalStateException("an experiment's stored " + what + " is not a JSON array: " + json);
      }
      return node;
    } catch (IOException e) {
      throw new IllegalStateException("an experiment's stored " + what + " is unreadable: " + e.getMessage(), e);
    }
  }
}
