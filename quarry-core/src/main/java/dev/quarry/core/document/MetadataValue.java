package dev.quarry.core.document;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A typed metadata value: string, number, boolean, date or a list of strings. */
public sealed interface MetadataValue {

  record Text(String value) implements MetadataValue {
    public Text {
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A number as it was written, so it comes back the same: an integer ({@code 2021}, scale 0) stays
   * an integer, a decimal ({@code 2021.0}, {@code 0.5}) stays a decimal. Equality is exact, so
   * {@code 2021} and {@code 2021.0} are different values; filters compare numbers by {@link
   * #value()}, where they are equal.
   */
  record Number(BigDecimal exact) implements MetadataValue {
    public Number {
      Objects.requireNonNull(exact, "exact");
      if (!Double.isFinite(exact.doubleValue())) {
        throw new IllegalArgumentException("metadata number must be finite, got: " + exact);
      }
    }

    /** An integer. */
    public Number(long value) {
      this(BigDecimal.valueOf(value));
    }

    /** A decimal, written with a fraction part even when it is whole ({@code 2021.0}). */
    public Number(double value) {
      this(decimal(value));
    }

    /** The value as filters compare it (never {@code -0.0}). */
    public double value() {
      return exact.doubleValue() + 0.0;
    }

    /**
     * The number without exponent or trailing zeros ({@code 2023.0} is {@code "2023"}, {@code 1e3}
     * is {@code "1000"}): how it is written as text, the text a number term also matches.
     */
    public String canonicalText() {
      return exact.signum() == 0 ? "0" : exact.stripTrailingZeros().toPlainString();
    }

    /** Whether the number was written as an integer (no fraction part, no exponent). */
    public boolean isInteger() {
      return exact.scale() == 0;
    }

    private static BigDecimal decimal(double value) {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("metadata number must be finite, got: " + value);
      }
      BigDecimal d = BigDecimal.valueOf(value);
      return d.scale() > 0 ? d : d.setScale(1);
    }
  }

  record Bool(boolean value) implements MetadataValue {}

  record Date(Instant value) implements MetadataValue {
    public Date {
      Objects.requireNonNull(value, "value");
    }

    /**
     * Epoch milliseconds, the precision filters compare dates at (sub-millisecond precision dropped,
     * rounding down), clamped to the long range for instants too far from 1970 to fit.
     */
    public long epochMillis() {
      try {
        return value.toEpochMilli();
      } catch (ArithmeticException e) {
        return value.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
    }
  }

  record TextList(List<String> values) implements MetadataValue {
    public TextList {
      values = List.copyOf(values);
    }
  }
}
