package dev.quarry.store.ledger;

import dev.quarry.store.tenant.TenantId;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The ledger of model calls and the tenants' budgets with what each window holds.
 *
 * <p>Concurrency: {@link #reserve} is one transaction of conditional upserts, one per window, that
 * add to a window only while it stays within its limit; on PostgreSQL the upsert locks the window's
 * row, so reservations of every process sharing the database are serialised per window and none
 * sees a stale sum; on SQLite the single writer does the same. Windows are taken in the order given
 * (callers give day before month), so two reservations never wait on each other in a cycle.
 */
public interface LedgerStore {

  /** The tenant's budget; empty when none is set (no limits). */
  Optional<Budget> budget(TenantId tenant);

  /** Sets the tenant's budget, replacing any; {@code NotFoundException} when the tenant does not exist. */
  void putBudget(TenantId tenant, Budget budget, Instant now);

  /** Removes the tenant's budget; false when it had none. Windows keep what they hold. */
  boolean deleteBudget(TenantId tenant);

  /**
   * Adds every charge to its window, all or none: empty when all fit their limits, otherwise the
   * first charge that did not (and nothing was added).
   */
  Optional<WindowCharge> reserve(TenantId tenant, List<WindowCharge> charges);

  /**
   * Appends the calls to the ledger and applies their window deltas, in one transaction. Calls of a
   * tenant that no longer exists are dropped.
   */
  void settle(Collection<Settlement> settlements);

  /** Applies window deltas of several tenants (returned reservations: negative) in one transaction. */
  void adjust(java.util.Map<TenantId, List<WindowDelta>> deltas);

  /** What the tenant's windows named {@code periods} hold; a window with nothing is left out. */
  List<WindowSpend> spend(TenantId tenant, Collection<String> periods);

  /** The tenant's calls per model and UTC day from {@code from} to {@code to} (both included), oldest first. */
  List<ModelDay> days(TenantId tenant, LocalDate from, LocalDate to);
}
