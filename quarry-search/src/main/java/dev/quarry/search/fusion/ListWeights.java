package dev.quarry.search.fusion;

import java.util.Map;

/**
 * Weight per retriever name. Names not listed weigh {@code otherwise}. Weights are finite and
 * non-negative.
 */
public record ListWeights(Map<String, Double> weights, double otherwise) {
  public ListWeights {
    weights = Map.copyOf(weights);
    weights.forEach((name, w) -> requireWeight(name, w));
    requireWeight("otherwise", otherwise);
  }

  public static ListWeights equal() {
    return new ListWeights(Map.of(), 1.0);
  }

  public double of(String retriever) {
    return weights.getOrDefault(retriever, otherwise);
  }

  private static void requireWeight(String name, double w) {
    if (!(w >= 0) || Double.isInfinite(w)) {
      throw new IllegalArgumentException("weight of '" + name + "' must be finite and >= 0, got: " + w);
    }
  }
}
