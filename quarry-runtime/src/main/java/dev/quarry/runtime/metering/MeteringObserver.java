package dev.quarry.runtime.metering;

import dev.quarry.core.chat.TokenUsage;
import dev.quarry.store.tenant.TenantId;

/** Where metering reports what it charged and refused (the server's metrics); no-op by default. */
public interface MeteringObserver {
  MeteringObserver NONE = new MeteringObserver() {
    @Override
    public void charged(TenantId tenant, String model, TokenUsage usage, long costNanos) {}

    @Override
    public void refused(TenantId tenant, String budget) {}
  };

  /** A settled call of {@code model}: its tokens and cost. */
  void charged(TenantId tenant, String model, TokenUsage usage, long costNanos);

  /** A call refused, or a stream cut, by the limit named {@code budget}. */
  void refused(TenantId tenant, String budget);
}
