package dev.quarry.eval.compare;

import dev.quarry.eval.metric.BeirMetrics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The configurations of an evaluation against one baseline on the same queries: the baseline's name
 * (one of the configurations, or a stored run), its mean metrics, the randomisation test's
 * permutations and seed, and a {@link ModeComparison} per other configuration, in evaluation order.
 * Evaluation jobs and {@code quarry eval --baseline} build it with {@link #of}, so the same
 * per-query scores give the same wins, losses and p-values in both.
 */
public record BaselineComparison(String baseline, BeirMetrics baselineMetrics, int trials, long seed,
    List<ModeComparison> modes) {

  public BaselineComparison {
    if (baseline == null || baseline.isBlank()) {
      throw new IllegalArgumentException("baseline must not be blank");
    }
    Objects.requireNonNull(baselineMetrics, "baselineMetrics");
    if (trials < 1) {
      throw new IllegalArgumentException("trials must be at least 1, got: " + trials);
    }
    modes = List.copyOf(modes);
    Set<String> names = new HashSet<>();
    for (ModeComparison m : modes) {
      if (m.mode().equals(baseline) || !names.add(m.mode())) {
        throw new IllegalArgumentException("mode '" + m.mode() + "' is the baseline or is compared twice");
      }
    }
  }

  /**
   * Compares each of {@code perQuery}'s configurations except {@code baseline} itself with the
   * baseline's per-query scores, in the map's order, {@code trials} permutations drawn from {@link
   * PairedComparison#DEFAULT_SEED}. Every list holds one entry per query, in {@code queryIds}' order.
   */
  public static BaselineComparison of(String baseline, List<String> queryIds, List<BeirMetrics> baselinePerQuery,
      Map<String, List<BeirMetrics>> perQuery, int trials) {
    long seed = PairedComparison.DEFAULT_SEED;
    List<ModeComparison> modes = new ArrayList<>();
    perQuery.forEach((mode, scores) -> {
      if (!mode.equals(baseline)) {
        modes.add(ModeComparison.of(mode, queryIds, scores, baselinePerQuery, trials, seed));
      }
    });
    return new BaselineComparison(baseline, BeirMetrics.mean(baselinePerQuery), trials, seed, modes);
  }

  /** A configuration's comparison; empty for the baseline and for a configuration not evaluated. */
  public Optional<ModeComparison> of(String mode) {
    return modes.stream().filter(m -> m.mode().equals(mode)).findFirst();
  }
}
