package dev.quarry.runtime.metering;

import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.error.BudgetExceededException;
import dev.quarry.llm.TokenCounter;
import dev.quarry.llm.config.Price;
import dev.quarry.store.ledger.Budget;
import dev.quarry.store.ledger.LedgerStore;
import dev.quarry.store.ledger.Nanos;
import dev.quarry.store.ledger.WindowCharge;
import dev.quarry.store.ledger.WindowDelta;
import dev.quarry.store.ledger.WindowSpend;
import dev.quarry.store.tenant.TenantId;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Token and cost accounting with budgets, around every model call: {@link #wrap} decorates a
 * {@link ChatModel} so that each call made for a tenant ({@link CallContext#CURRENT}) is checked
 * against the tenant's {@link Budget}, reserved at its worst case, and settled in the ledger with
 * its real usage ({@link MeteredChatModel}). Thread-safe; one per server.
 *
 * <p>Concurrency across threads and processes: a reservation is one transaction of conditional
 * upserts in the store ({@link LedgerStore#reserve}), so servers sharing a PostgreSQL store never
 * together spend more than a budget; nothing about spend is kept in memory. Only the budget's
 * limits are cached ({@link MeteringSettings#budgetCache}).
 */
public final class Metering implements AutoCloseable {

  private record Cached(Optional<Budget> budget, long loadedNanos) {}

  private record LeaseKey(TenantId tenant, String period) {}

  /** What this process holds reserved in one window of the store and has not given to a call. */
  private static final class Lease {
    long tokens; // guarded by this
    long nanos; // guarded by this
    boolean used; // guarded by this: taken from or given back to since the last flush
  }

  /**
   * How many times a call's worst case a lease asks the store for at once, so that the calls after
   * it are reserved in memory; when the store refuses that much, exactly what the call needs.
   */
  static final int LEASE_CALLS = 32;

  private final LedgerStore store;
  private final LedgerWriter writer;
  private final Clock clock;
  private final MeteringSettings settings;
  private final MeteringObserver observer;
  private final Function<String, Optional<Price>> prices;
  private final Function<String, TokenCounter> tokens;
  private final ConcurrentHashMap<TenantId, Cached> budgets = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<LeaseKey, Lease> leases = new ConcurrentHashMap<>();
  private volatile boolean closing;

  /**
   * Metering over {@code store}; {@code prices} gives a configured model's prices by Quarry name
   * (empty for a name it does not know), {@code tokens} its token counter.
   */
  public Metering(LedgerStore store, Clock clock, MeteringSettings settings, MeteringObserver observer,
      Function<String, Optional<Price>> prices, Function<String, TokenCounter> tokens) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.observer = Objects.requireNonNull(observer, "observer");
    this.prices = Objects.requireNonNull(prices, "prices");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.writer = LedgerWriter.start(store, settings.flushInterval(), this::drainLeases);
  }

  /** {@code model}, metered; it answers as itself (its own name prices and counts). */
  public ChatModel wrap(ChatModel model) {
    return wrap(model, List.of(model.info().name()));
  }

  /**
   * {@code model}, metered, when it may answer with any of {@code candidates} (a route): the
   * reservation prices the worst case at the highest input and output prices among them, the
   * prompt is counted with the first one's tokenizer, and settlement prices the call by the model
   * that answered ({@code ChatResponse.model()}).
   */
  public ChatModel wrap(ChatModel model, List<String> candidates) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("a metered model needs at least one candidate model");
    }
    BigDecimal in = BigDecimal.ZERO;
    BigDecimal out = BigDecimal.ZERO;
    for (String c : candidates) {
      Price p = prices.apply(c).orElse(Price.FREE);
      in = in.max(p.input());
      out = out.max(p.output());
    }
    return new MeteredChatModel(model, this, new Price(in, out), tokens.apply(candidates.getFirst()));
  }

  /** The tenant's budget, cached for {@link MeteringSettings#budgetCache}. */
  public Optional<Budget> budget(TenantId tenant) {
    long now = System.nanoTime();
    Cached c = budgets.get(tenant);
    if (c == null || now - c.loadedNanos() >= settings.budgetCache().toNanos()) {
      c = new Cached(store.budget(tenant), now);
      budgets.put(tenant, c);
    }
    return c.budget();
  }

  /** Forgets the cached budget of {@code tenant}, after this instance changed it. */
  public void budgetChanged(TenantId tenant) {
    budgets.remove(tenant);
  }

  /**
   * Refuses ({@link BudgetExceededException}, budget {@code allowed_tools}) a tool the tenant's
   * budget does not allow; for the tool loop, before it calls a tool.
   */
  public void requireToolAllowed(TenantId tenant, String tool) {
    Optional<Budget> b = budget(tenant);
    if (b.isPresent() && !b.get().allowsTool(tool)) {
      observer.refused(tenant, "allowed_tools");
      throw new BudgetExceededException("allowed_tools", Optional.empty(), "allowed_tools: tenant '" + tenant
          + "' may not use the tool '" + tool + "'; its budget allows " + b.get().allowedTools().orElseThrow());
    }
  }

  /** Writes the settled calls still queued, so that a read sees every finished call. */
  public void flush() {
    writer.flush();
  }

  /** The day and month windows of {@code at}, in that order (the order reservations lock them in). */
  static List<String> periods(Instant at) {
    LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
    return List.of("day:" + day, "month:" + YearMonth.from(day));
  }

  /** When the window {@code period} ends (UTC midnight of the next day or month). */
  static Instant resetAt(String period) {
    if (period.startsWith("day:")) {
      return LocalDate.parse(period.substring(4)).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    return YearMonth.parse(period.substring(6)).plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** The charges of a reservation of {@code tokens} and {@code costNanos} under {@code budget}, now. */
  List<WindowCharge> charges(Budget budget, long tokens, long costNanos) {
    List<String> p = periods(clock.instant());
    List<WindowCharge> out = new ArrayList<>(2);
    if (budget.tokensPerDay().isPresent() || budget.costPerDayNanos().isPresent()) {
      out.add(new WindowCharge(p.get(0), tokens, costNanos, limit(budget.tokensPerDay()), limit(budget.costPerDayNanos())));
    }
    if (budget.tokensPerMonth().isPresent() || budget.costPerMonthNanos().isPresent()) {
      out.add(new WindowCharge(p.get(1), tokens, costNanos, limit(budget.tokensPerMonth()),
          limit(budget.costPerMonthNanos())));
    }
    return out;
  }

  private static long limit(OptionalLong l) {
    return l.orElse(Long.MAX_VALUE);
  }

  /**
   * Reserves every charge, all or none, or throws {@link BudgetExceededException} naming the window
   * and limit that refused. A charge is taken from this process's lease of its window when the lease
   * holds enough; otherwise the lease is topped up in the store ({@link LedgerStore#reserve}: a
   * conditional upsert, exact across processes) by {@link #LEASE_CALLS} times the charge, or by just
   * the charge when the budget has no room for more. What leases hold unused goes back to the store
   * at the first ledger flush after no call used them for a whole {@link MeteringSettings#flushInterval}, so
   * another process can have it soon after this one stops needing it.
   */
  void reserve(TenantId tenant, List<WindowCharge> charges, String what) {
    List<WindowCharge> taken = new ArrayList<>(charges.size());
    for (WindowCharge c : charges) {
      if (!take(tenant, c)) {
        for (WindowCharge t : taken) {
          giveBack(tenant, t.period(), t.tokens(), t.costNanos());
        }
        refuse(tenant, c, what);
      }
      taken.add(c);
    }
  }

  private boolean take(TenantId tenant, WindowCharge c) {
    if (c.aloneExceeds()) {
      return false;
    }
    Lease l = leases.computeIfAbsent(new LeaseKey(tenant, c.period()), k -> new Lease());
    synchronized (l) {
      if (l.tokens < c.tokens() || l.nanos < c.costNanos()) {
        long needTokens = Math.max(0, c.tokens() - l.tokens);
        long needNanos = Math.max(0, c.costNanos() - l.nanos);
        WindowCharge more = new WindowCharge(c.period(), saturated(needTokens, c.tokens()),
            saturated(needNanos, c.costNanos()), c.tokenLimit(), c.costLimitNanos());
        if (more.aloneExceeds() || store.reserve(tenant, List.of(more)).isPresent()) {
          more = new WindowCharge(c.period(), needTokens, needNanos, c.tokenLimit(), c.costLimitNanos());
          if (store.reserve(tenant, List.of(more)).isPresent()) {
            return false;
          }
        }
        l.tokens += more.tokens();
        l.nanos += more.costNanos();
      }
      l.tokens -= c.tokens();
      l.nanos -= c.costNanos();
      l.used = true;
      return true;
    }
  }

  /** {@code need} plus {@code LEASE_CALLS - 1} more calls' worth, without overflowing. */
  private static long saturated(long need, long perCall) {
    long extra = perCall > Long.MAX_VALUE / LEASE_CALLS ? Long.MAX_VALUE / 2 : perCall * (LEASE_CALLS - 1);
    return need > Long.MAX_VALUE - extra ? Long.MAX_VALUE : need + extra;
  }

  /** Returns what a call held but did not use to this process's lease of the window. */
  void giveBack(TenantId tenant, String period, long tokens, long nanos) {
    if (tokens <= 0 && nanos <= 0) {
      return;
    }
    Lease l = leases.computeIfAbsent(new LeaseKey(tenant, period), k -> new Lease());
    synchronized (l) {
      l.tokens += Math.max(0, tokens);
      l.nanos += Math.max(0, nanos);
    }
  }

  /**
   * Empties the leases no call used since the last flush: what they held, per tenant, as negative
   * deltas for the store. A lease in use is kept, so steady traffic does not go back to the store.
   */
  private Map<TenantId, List<WindowDelta>> drainLeases() {
    Map<TenantId, List<WindowDelta>> out = new HashMap<>();
    for (Map.Entry<LeaseKey, Lease> e : leases.entrySet()) {
      Lease l = e.getValue();
      long tokens;
      long nanos;
      synchronized (l) {
        if (l.used && !closing) {
          l.used = false;
          continue;
        }
        tokens = l.tokens;
        nanos = l.nanos;
        l.tokens = 0;
        l.nanos = 0;
      }
      if (tokens != 0 || nanos != 0) {
        out.computeIfAbsent(e.getKey().tenant(), t -> new ArrayList<>())
            .add(new WindowDelta(e.getKey().period(), -tokens, -nanos));
      }
    }
    return out;
  }

  private void refuse(TenantId tenant, WindowCharge w, String what) {
    String window = w.period().startsWith("day:") ? "day" : "month";
    boolean tokens;
    if (w.tokens() > w.tokenLimit()) {
      tokens = true;
    } else if (w.costNanos() > w.costLimitNanos()) {
      tokens = false;
    } else {
      WindowSpend held = store.spend(tenant, List.of(w.period())).stream().findFirst()
          .orElse(new WindowSpend(w.period(), 0, 0));
      tokens = held.tokens() + w.tokens() > w.tokenLimit();
    }
    String budget = (tokens ? "tokens_per_" : "cost_per_") + window;
    Instant reset = resetAt(w.period());
    observer.refused(tenant, budget);
    String wanted = tokens ? w.tokens() + " tokens" : Nanos.decimal(w.costNanos()).toPlainString() + " in cost";
    String limit = tokens ? w.tokenLimit() + " tokens" : Nanos.decimal(w.costLimitNanos()).toPlainString();
    throw new BudgetExceededException(budget, Optional.of(reset), what + " (" + wanted + ") would exceed tenant '"
        + tenant + "'s " + budget + " budget of " + limit + " (" + w.period() + "); it resets at " + reset);
  }

  MeteringSettings settings() {
    return settings;
  }

  Clock clock() {
    return clock;
  }

  MeteringObserver observer() {
    return observer;
  }

  LedgerWriter writer() {
    return writer;
  }

  /** The price of the model Quarry calls {@code name}, if configured. */
  Optional<Price> price(String name) {
    return prices.apply(name);
  }

  /** Stops the ledger writer after writing what it holds and returning every lease to the store. */
  @Override
  public void close() {
    closing = true;
    writer.close();
  }
}
