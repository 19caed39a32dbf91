package dev.quarry.store;

import dev.quarry.store.idempotency.IdempotencyPolicy;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * What every store implementation is given besides its connection settings: the clock that stamps
 * and expires records, the id generator, and how long idempotency records live.
 *
 * <p>Timestamps are stored as epoch milliseconds in both dialects, so {@link #now()} truncates the
 * clock to milliseconds: what is read back equals what was written.
 */
public record StoreOptions(Clock clock, IdGenerator ids, IdempotencyPolicy idempotency) {

  public StoreOptions {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(idempotency, "idempotency");
  }

  /** The system UTC clock, random UUIDs and {@link IdempotencyPolicy#DEFAULT}. */
  public static StoreOptions defaults() {
    return new StoreOptions(Clock.systemUTC(), IdGenerator.uuids(), IdempotencyPolicy.DEFAULT);
  }

  public StoreOptions withClock(Clock newClock) {
    return new StoreOptions(newClock, ids, idempotency);
  }

  public StoreOptions withIds(IdGenerator newIds) {
    return new StoreOptions(clock, newIds, idempotency);
  }

  public StoreOptions withIdempotency(IdempotencyPolicy newPolicy) {
    return new StoreOptions(clock, ids, newPolicy);
  }

  /** A new id from {@link #ids()}, checked: non-blank, at most 64 characters. */
  public String newId() {
    String id = ids.next();
    if (id == null || id.isBlank() || id.length() > 64) {
      throw new IllegalStateException("the id generator made an invalid id: '" + id + "'");
    }
    return id;
  }

  /** The clock's instant truncated to milliseconds, the precision the store keeps. */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
