package dev.quarry.experiment;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Sticky assignment of units (users or sessions) to an experiment's arms by traffic share. A unit's
 * point is the first 53 bits of SHA-256({@code experiment} NUL {@code unit}) read as a fraction in
 * [0, 1); arm {@code i} owns the interval of width {@code weight_i / sum(weights)} after the arms
 * before it. So the same unit always lands in the same arm of the same experiment (no state to
 * keep), different experiments split independently, and the split is as uniform as SHA-256.
 */
public final class TrafficSplit {

  /** An arm's name and its traffic weight (any positive number; shares are weights over their sum). */
  public record Share(String arm, double weight) {
    public Share {
      Objects.requireNonNull(arm, "arm");
      if (!(weight > 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("an arm's weight must be a positive finite number, got: " + weight);
      }
    }
  }

  private final List<Share> shares;
  private final double[] upper;

  public TrafficSplit(List<Share> shares) {
    if (shares == null || shares.isEmpty()) {
      throw new IllegalArgumentException("a traffic split needs at least one arm");
    }
    this.shares = List.copyOf(shares);
    double total = shares.stream().mapToDouble(Share::weight).sum();
    this.upper = new double[shares.size()];
    double cumulative = 0;
    for (int i = 0; i < shares.size(); i++) {
      cumulative += shares.get(i).weight();
      upper[i] = cumulative / total;
    }
    upper[upper.length - 1] = 1.0;
  }

  /** The arm {@code unit} is assigned to in {@code experiment}. */
  public String assign(String experiment, String unit) {
    double point = point(experiment, unit);
    for (int i = 0; i < upper.length; i++) {
      if (point < upper[i]) {
        return shares.get(i).arm();
      }
    }
    return shares.getLast().arm();
  }

  /** The unit's point in [0, 1) for {@code experiment}. */
  static double point(String experiment, String unit) {
    byte[] digest = sha256(experiment + "\u0000" + unit);
    long bits = ByteBuffer.wrap(digest, 0, 8).getLong() >>> 11;
    return bits * 0x1.0p-53;
  }

  /**
   * What an impression keeps of the unit: SHA-256 hex of {@code experiment} NUL {@code unit}, so
   * impressions of one unit can be told apart without storing the user's or session's id.
   */
  public static String unitHash(String experiment, String unit) {
    return HexFormat.of().formatHex(sha256(experiment + "\u0000" + unit));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
