package dev.quarry.store.usage;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.store.tenant.TenantId;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Metered usage: a counter per tenant, UTC day and {@link Meter}, which only grows. Days are kept
 * as {@code yyyy-mm-dd} text, so years are limited to 0-9999.
 */
public interface UsageStore {

  /**
   * Adds every delta to its counter in one transaction ({@code value = value + amount}, creating
   * the counter at the amount): all are added or, on failure, none. Deltas of a tenant that no longer
   * exists are dropped (its usage was deleted with it). Several stores on one database may add at
   * once; no delta is lost.
   */
  void add(Collection<UsageDelta> deltas);

  /**
   * A tenant's counters from {@code from} to {@code to} (both included), oldest first; days without
   * any counter are left out. {@code InvalidInputException} when {@code from} is after {@code to}.
   */
  List<DailyUsage> days(TenantId tenant, LocalDate from, LocalDate to);

  /** Checks that {@code day} can be stored as {@code yyyy-mm-dd} text, which sorts like the dates. */
  static LocalDate requireStorable(LocalDate day, String what) {
    Objects.requireNonNull(day, what);
    if (day.getYear() < 0 || day.getYear() > 9999) {
      throw new InvalidInputException(what + " must be in the years 0-9999, got: " + day);
    }
    return day;
  }
}
