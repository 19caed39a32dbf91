package dev.quarry.store.usage;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.store.tenant.TenantId;
import java.time.LocalDate;
import java.util.Objects;

/** An amount to add to one tenant's counter of {@code meter} on {@code day} (UTC). */
public record UsageDelta(TenantId tenant, LocalDate day, Meter meter, long amount) {

  public UsageDelta {
    Objects.requireNonNull(tenant, "tenant");
    UsageStore.requireStorable(day, "day");
    Objects.requireNonNull(meter, "meter");
    if (amount < 1) {
      throw new InvalidInputException("a usage delta must be at least 1, got: " + amount + " (" + meter.wireName() + ")");
    }
  }
}
