package dev.quarry.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.store.ledger.Budget;
import dev.quarry.store.ledger.LedgerStore;
import dev.quarry.store.ledger.ModelCall;
import dev.quarry.store.ledger.ModelDay;
import dev.quarry.store.ledger.Settlement;
import dev.quarry.store.ledger.WindowCharge;
import dev.quarry.store.ledger.WindowDelta;
import dev.quarry.store.ledger.WindowSpend;
import dev.quarry.store.tenant.TenantId;
import dev.quarry.store.usage.UsageStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

final class JdbcLedgerStore implements LedgerStore {

  /**
   * A reservation in one window: creates the window at the amount (the caller checked that the
   * amount alone fits), or adds to it only while the sum stays within both limits. On PostgreSQL
   * the conflicting row is locked and the WHERE clause re-read after a concurrent commit, so the
   * sum is never stale; SQLite runs one writer at a time.
   */
  private static final String RESERVE = "INSERT INTO budget_spend (tenant_id, period, tokens, cost_nanos)"
      + " VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, period) DO UPDATE"
      + " SET tokens = budget_spend.tokens + excluded.tokens, cost_nanos = budget_spend.cost_nanos + excluded.cost_nanos"
      + " WHERE budget_spend.tokens + excluded.tokens <= ? AND budget_spend.cost_nanos + excluded.cost_nanos <= ?";

  private static final String ADJUST = "UPDATE budget_spend SET tokens = tokens + ?, cost_nanos = cost_nanos + ?"
      + " WHERE tenant_id = ? AND period = ?";

  private static final String APPEND = "INSERT INTO model_calls (tenant_id, id, key_id, session_id, route, model, day,"
      + " input_tokens, output_tokens, cached_tokens, counted, latency_ms, first_token_ms, cost_nanos, outcome,"
      + " created_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM tenants WHERE id = ?)"
      + " ON CONFLICT (tenant_id, id) DO NOTHING";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Thrown inside a reservation's transaction to roll it back; carries the charge that did not fit. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient WindowCharge charge;

    Refused(WindowCharge charge) {
      super(null, null, false, false);
      this.charge = charge;
    }
  }

  private final Database db;

  JdbcLedgerStore(Database db) {
    this.db = db;
  }

  @Override
  public Optional<Budget> budget(TenantId tenant) {
    return db.read("reading the budget of tenant '" + tenant + "'", c -> Jdbc.one(c,
        "SELECT * FROM budgets WHERE tenant_id = ?", JdbcLedgerStore::budget, tenant.value()));
  }

  private static Budget budget(ResultSet rs) throws SQLException {
    return new Budget(optionalLong(rs, "tokens_per_day"), optionalLong(rs, "tokens_per_month"),
        optionalLong(rs, "cost_per_day_nanos"), optionalLong(rs, "cost_per_month_nanos"),
        optionalLong(rs, "max_tokens_per_request"), names(rs.getString("allowed_models")),
        names(rs.getString("allowed_tools")));
  }

  private static OptionalLong optionalLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
  }

  private static Optional<Set<String>> names(String json) throws SQLException {
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Set.copyOf(JSON.readValue(json, new TypeReference<List<String>>() {})));
    } catch (JsonProcessingException e) {
      throw new SQLException("a budget's list of names is not a JSON array of strings: " + json, e);
    }
  }

  private static String json(Optional<Set<String>> names) {
    try {
      return names.isEmpty() ? null : JSON.writeValueAsString(new java.util.TreeSet<>(names.get()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object value(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }

  @Override
  public void putBudget(TenantId tenant, Budget b, Instant now) {
    db.write("setting the budget of tenant '" + tenant + "'", c -> {
      if (!Jdbc.exists(c, "SELECT 1 FROM tenants WHERE id = ?", tenant.value())) {
        throw new NotFoundException("tenant '" + tenant + "' does not exist");
      }
      Jdbc.update(c, "INSERT INTO budgets (tenant_id, tokens_per_day, tokens_per_month, cost_per_day_nanos,"
              + " cost_per_month_nanos, max_tokens_per_request, allowed_models, allowed_tools, updated_at)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET"
              + " tokens_per_day = excluded.tokens_per_day, tokens_per_month = excluded.tokens_per_month,"
              + " cost_per_day_nanos = excluded.cost_per_day_nanos, cost_per_month_nanos = excluded.cost_per_month_nanos,"
              + " max_tokens_per_request = excluded.max_tokens_per_request, allowed_models = excluded.allowed_models,"
              + " allowed_tools = excluded.allowed_tools, updated_at = excluded.updated_at",
          tenant.value(), value(b.tokensPerDay()), value(b.tokensPerMonth()), value(b.costPerDayNanos()),
          value(b.costPerMonthNanos()), value(b.maxTokensPerRequest()), json(b.allowedModels()),
          json(b.allowedTools()), now);
      return null;
    });
  }

  @Override
  public boolean deleteBudget(TenantId tenant) {
    return db.write("removing the budget of tenant '" + tenant + "'",
        c -> Jdbc.update(c, "DELETE FROM budgets WHERE tenant_id = ?", tenant.value()) > 0);
  }

  @Override
  public Optional<WindowCharge> reserve(TenantId tenant, List<WindowCharge> charges) {
    for (WindowCharge charge : charges) {
      if (charge.aloneExceeds()) {
        return Optional.of(charge);
      }
    }
    if (charges.isEmpty()) {
      return Optional.empty();
    }
    try {
      db.write("reserving budget of tenant '" + tenant + "'", c -> {
        for (WindowCharge w : charges) {
          if (Jdbc.update(c, RESERVE, tenant.value(), w.period(), w.tokens(), w.costNanos(), w.tokenLimit(),
              w.costLimitNanos()) == 0) {
            throw new Refused(w);
          }
        }
        return null;
      });
      return Optional.empty();
    } catch (Refused r) {
      return Optional.of(r.charge);
    }
  }

  @Override
  public void settle(Collection<Settlement> settlements) {
    if (settlements.isEmpty()) {
      return;
    }
    List<Settlement> all = List.copyOf(settlements);
    db.write("recording " + all.size() + " model calls", c -> {
      for (Settlement s : all) {
        for (WindowDelta d : s.deltas()) {
          if (d.tokens() != 0 || d.costNanos() != 0) {
            Jdbc.update(c, ADJUST, d.tokens(), d.costNanos(), s.call().tenant().value(), d.period());
          }
        }
        append(c, s.call());
      }
      return null;
    });
  }

  @Override
  public void adjust(java.util.Map<TenantId, List<WindowDelta>> deltas) {
    if (deltas.isEmpty()) {
      return;
    }
    java.util.Map<TenantId, List<WindowDelta>> all = java.util.Map.copyOf(deltas);
    db.write("returning budget reservations of " + all.size() + " tenants", c -> {
      for (var e : all.entrySet()) {
        for (WindowDelta d : e.getValue()) {
          Jdbc.update(c, ADJUST, d.tokens(), d.costNanos(), e.getKey().value(), d.period());
        }
      }
      return null;
    });
  }

  private static void append(Connection c, ModelCall m) throws SQLException {
    Jdbc.update(c, APPEND, m.tenant().value(), m.id(), m.keyId(), m.session(), m.route(), m.model(),
        m.day().toString(), m.inputTokens(), m.outputTokens(), m.cachedTokens(), m.counted() ? 1 : 0,
        m.latency().toMillis(), m.timeToFirstToken().map(java.time.Duration::toMillis), m.costNanos(),
        m.outcome().wireName(), m.at(), m.tenant().value());
  }

  @Override
  public List<WindowSpend> spend(TenantId tenant, Collection<String> periods) {
    List<WindowSpend> out = new ArrayList<>();
    db.read("reading the budget windows of tenant '" + tenant + "'", c -> {
      for (String p : periods) {
        Jdbc.one(c, "SELECT period, tokens, cost_nanos FROM budget_spend WHERE tenant_id = ? AND period = ?",
            rs -> new WindowSpend(rs.getString("period"), rs.getLong("tokens"), rs.getLong("cost_nanos")),
            tenant.value(), p).ifPresent(out::add);
      }
      return null;
    });
    return out;
  }

  @Override
  public List<ModelDay> days(TenantId tenant, LocalDate from, LocalDate to) {
    UsageStore.requireStorable(from, "from");
    UsageStore.requireStorable(to, "to");
    if (from.isAfter(to)) {
      throw new InvalidInputException("from (" + from + ") must not be after to (" + to + ")");
    }
    return db.read("reading the model calls of tenant '" + tenant + "'", c -> Jdbc.list(c,
        "SELECT day, model, COUNT(*) AS calls, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,"
            + " SUM(cached_tokens) AS cached_tokens, SUM(cost_nanos) AS cost_nanos FROM model_calls"
            + " WHERE tenant_id = ? AND day >= ? AND day <= ? GROUP BY day, model ORDER BY day, model",
        rs -> new ModelDay(LocalDate.parse(rs.getString("day")), rs.getString("model"), rs.getLong("calls"),
            rs.getLong("input_tokens"), rs.getLong("output_tokens"), rs.getLong("cached_tokens"),
            rs.getLong("cost_nanos")),
        tenant.value(), from.toString(), to.toString()));
  }
}
