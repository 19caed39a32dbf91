package dev.quarry.core.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The instant by which the work of the request now running must be done, when its caller has one:
 * an answer's retrieval binds it around its searches, so a re-ranker inside a search (a remote API,
 * an LLM) gives up in time for the answer to be generated instead of holding it for its own
 * configured timeout.
 *
 * <p>Decision: a {@link ScopedValue} registered with {@link TaskObserver#alsoCarry}, like {@link
 * CpuAccount}, so no search method grows a parameter and the engine's search threads see it. Work
 * with no deadline bound (a plain search) keeps each component's own timeout.
 */
public final class RequestDeadline {

  private static final ScopedValue<Instant> CURRENT = ScopedValue.newInstance();

  static {
    TaskObserver.alsoCarry(CURRENT);
  }

  private RequestDeadline() {}

  /** Runs {@code work} with {@code deadline} bound, or the earlier one already bound. */
  public static <T, X extends Throwable> T within(Instant deadline, ScopedValue.CallableOp<? extends T, X> work)
      throws X {
    Objects.requireNonNull(deadline, "deadline");
    Instant bound = current().filter(d -> d.isBefore(deadline)).orElse(deadline);
    return ScopedValue.where(CURRENT, bound).call(work);
  }

  /** The deadline bound on this thread, if any. */
  public static Optional<Instant> current() {
    return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
  }

  /**
   * What is left of {@code timeout} from {@code now}: the timeout itself, or less when the bound
   * deadline comes first (never negative).
   */
  public static Duration earliest(Duration timeout, Instant now) {
    Objects.requireNonNull(timeout, "timeout");
    return current().map(d -> Duration.between(now, d))
        .map(left -> left.isNegative() ? Duration.ZERO : left)
        .filter(left -> left.compareTo(timeout) < 0)
        .orElse(timeout);
  }
}
