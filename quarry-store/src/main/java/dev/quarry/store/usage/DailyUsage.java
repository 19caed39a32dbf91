package dev.quarry.store.usage;

import java.time.LocalDate;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/** One tenant's counters on one UTC day; every meter is present, zero when nothing was counted. */
public record DailyUsage(LocalDate day, Map<Meter, Long> counts) {

  public DailyUsage {
    Objects.requireNonNull(day, "day");
    EnumMap<Meter, Long> all = new EnumMap<>(Meter.class);
    for (Meter m : Meter.values()) {
      long n = counts.getOrDefault(m, 0L);
      if (n < 0) {
        throw new IllegalArgumentException("count of " + m.wireName() + " must be >= 0, got: " + n);
      }
      all.put(m, n);
    }
    counts = Collections.unmodifiableMap(all);
  }

  public long get(Meter meter) {
    return counts.get(meter);
  }

  /** This day's counts plus {@code more}'s, kept on this day. */
  public DailyUsage plus(Map<Meter, Long> more) {
    EnumMap<Meter, Long> sum = new EnumMap<>(counts);
    more.forEach((m, n) -> sum.merge(m, n, Long::sum));
    return new DailyUsage(day, sum);
  }
}
