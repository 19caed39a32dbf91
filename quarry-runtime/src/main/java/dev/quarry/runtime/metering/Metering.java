package dev.quarry.runtime.metering;

import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.error.BudgetExceededException;
import dev.quarry.llm.TokenCounter;
import dev.quarry.llm.config.Price;
import dev.quarry.store.ledger.Budget;
import dev.quarry.store.ledger.LedgerStore;
import dev.quarry.store.ledger.Nanos;
import dev.quarry.store.ledger.WindowCharge;
import dev.quarry.store.ledger.WindowSpend;
import dev.quarry.store.tenant.TenantId;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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

  private final LedgerStore store;
  private final LedgerWriter writer;
  private final Clock clock;
  private final MeteringSettings settings;
  private final MeteringObserver observer;
  private final Function<String, Optional<Price>> prices;
  private final Function<String, TokenCounter> tokens;
  private final ConcurrentHashMap<TenantId, Cached> budgets = new ConcurrentHashMap<>();

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
    this.writer = LedgerWriter.start(store, settings.flushInterval());
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
    out.add(new WindowCharge(p.get(0), tokens, costNanos, limit(budget.tokensPerDay()), limit(budget.costPerDayNanos())));
    out.add(new WindowCharge(p.get(1), tokens, costNanos, limit(budget.tokensPerMonth()),
        limit(budget.costPerMonthNanos())));
    return out;
  }

  private static long limit(OptionalLong l) {
    return l.orElse(Long.MAX_VALUE);
  }

  /** Reserves, or throws {@link BudgetExceededException} naming the window and limit that refused. */
  void reserve(TenantId tenant, List<WindowCharge> charges, String what) {
    Optional<WindowCharge> refused = store.reserve(tenant, charges);
    if (refused.isEmpty()) {
      return;
    }
    WindowCharge w = refused.get();
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

  /** Stops the ledger writer after writing what it holds. */
  @Override
  public void close() {
    writer.close();
  }
}
