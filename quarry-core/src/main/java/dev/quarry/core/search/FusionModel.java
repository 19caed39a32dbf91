package dev.quarry.core.search;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A learned fusion ({@code quarry tune}): a candidate's fused score is {@code sum(weights[i] *
 * feature[i])} over the named per-candidate features (quarry-search's {@code FusionFeatures}
 * computes them from the lexical and vector lists, normalised over each list's first {@code
 * window} items, and, for {@code title_match}, {@code text_match} and {@code length}, from the
 * candidate's stored chunk). {@code judgments} is the fingerprint of the relevance judgments it
 * was fitted on. The {@link #fingerprint} covers the feature names, so a model that adds a feature
 * is another configuration.
 */
public record FusionModel(List<String> features, List<Double> weights, int window, String judgments) {

  public FusionModel {
    features = List.copyOf(features);
    weights = List.copyOf(weights);
    if (features.isEmpty() || features.size() != weights.size()) {
      throw new IllegalArgumentException("a fusion model needs one weight per feature, got " + features.size()
          + " features and " + weights.size() + " weights");
    }
    for (int i = 0; i < weights.size(); i++) {
      if (!Double.isFinite(weights.get(i))) {
        throw new IllegalArgumentException("weight of feature '" + features.get(i) + "' must be finite, got: "
            + weights.get(i));
      }
    }
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1, got: " + window);
    }
    Objects.requireNonNull(judgments, "judgments");
  }

  /** {@code m1-} and 16 hex digits of the SHA-256 of the features, weights, window and judgments. */
  public String fingerprint() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < features.size(); i++) {
      text.append(features.get(i)).append('=').append(Double.toString(weights.get(i))).append('\n');
    }
    text.append("window=").append(window).append('\n').append("judgments=").append(judgments).append('\n');
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return "m1-" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
