package dev.quarry.runtime.metering;

import dev.quarry.store.tenant.TenantId;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a model call is for, bound by the HTTP edge around the work of a request
 * ({@link #CURRENT}): the tenant, the key, the session (if any) and the route, the model or route
 * name the request asked for. A call made with nothing bound (the CLI's {@code quarry ask}) is not
 * metered.
 */
public record CallContext(TenantId tenant, Optional<String> keyId, Optional<String> session, String route) {

  /** The context of the request running on this thread. */
  public static final ScopedValue<CallContext> CURRENT = ScopedValue.newInstance();

  static {
    // the engine runs a search on its own threads; a re-ranker's model call there is still metered
    dev.quarry.core.observe.TaskObserver.alsoCarry(CURRENT);
  }

  public CallContext {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(route, "route");
  }

  /** Runs {@code work} with this context bound. */
  public <T, X extends Throwable> T call(ScopedValue.CallableOp<T, X> work) throws X {
    return ScopedValue.where(CURRENT, this).call(work);
  }
}
