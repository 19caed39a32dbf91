package dev.quarry.server.metrics;

import dev.quarry.core.chat.TokenUsage;
import dev.quarry.runtime.metering.MeteringObserver;
import dev.quarry.store.ledger.Nanos;
import dev.quarry.store.tenant.TenantId;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Tokens and cost of settled model calls by tenant and answering model, and budget refusals by
 * tenant and limit. Cardinality is tenants times configured models: fine for the tens to hundreds
 * of tenants a Quarry serves; the ledger, not metrics, is the record for billing.
 */
final class LedgerMetrics implements MeteringObserver {

  private record Key(String tenant, String name) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = tenant.compareTo(o.tenant);
      return c != 0 ? c : name.compareTo(o.name);
    }
  }

  private static final String[] TYPES = {"input", "output", "cached"};

  private final Map<Key, LongAdder[]> tokens = new ConcurrentSkipListMap<>();
  private final Map<Key, LongAdder> costNanos = new ConcurrentSkipListMap<>();
  private final Map<Key, LongAdder> refusals = new ConcurrentSkipListMap<>();

  @Override
  public void charged(TenantId tenant, String model, TokenUsage usage, long cost) {
    Key k = new Key(tenant.value(), model);
    LongAdder[] t = tokens.computeIfAbsent(k, x -> new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
    t[0].add(usage.inputTokens());
    t[1].add(usage.outputTokens());
    t[2].add(usage.cachedTokens());
    costNanos.computeIfAbsent(k, x -> new LongAdder()).add(cost);
  }

  @Override
  public void refused(TenantId tenant, String budget) {
    refusals.computeIfAbsent(new Key(tenant.value(), budget), x -> new LongAdder()).increment();
  }

  void render(StringBuilder out) {
    header(out, MetricNames.LLM_TOKENS, "Tokens of settled model calls by tenant, answering model and type.");
    tokens.forEach((k, t) -> {
      for (int i = 0; i < TYPES.length; i++) {
        out.append(MetricNames.LLM_TOKENS).append('{').append(label(MetricNames.LABEL_TENANT, k.tenant())).append(',')
            .append(label(MetricNames.LABEL_MODEL, k.name())).append(',')
            .append(label(MetricNames.LABEL_TOKEN_TYPE, TYPES[i])).append("} ").append(t[i].sum()).append('\n');
      }
    });
    header(out, MetricNames.LLM_COST, "Cost of settled model calls at the configured prices, by tenant and answering model.");
    costNanos.forEach((k, c) -> out.append(MetricNames.LLM_COST).append('{')
        .append(label(MetricNames.LABEL_TENANT, k.tenant())).append(',').append(label(MetricNames.LABEL_MODEL, k.name()))
        .append("} ").append(Nanos.decimal(c.sum()).toPlainString()).append('\n'));
    header(out, MetricNames.BUDGET_REFUSALS, "Model calls refused, or streams cut, by tenant and budget limit.");
    refusals.forEach((k, n) -> out.append(MetricNames.BUDGET_REFUSALS).append('{')
        .append(label(MetricNames.LABEL_TENANT, k.tenant())).append(',').append(label(MetricNames.LABEL_BUDGET, k.name()))
        .append("} ").append(n.sum()).append('\n'));
  }

  private static void header(StringBuilder out, String name, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
  }

  private static String label(String name, String value) {
    return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
