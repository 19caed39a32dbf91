package dev.quarry.server.api;

import static dev.quarry.server.tenancy.TenantCollections.caller;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.runtime.metering.Metering;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.Request;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.store.Store;
import dev.quarry.store.ledger.Budget;
import dev.quarry.store.ledger.Nanos;
import dev.quarry.store.ledger.WindowSpend;
import dev.quarry.store.tenant.TenantId;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Tenants' budgets: {@code PUT} and {@code DELETE /v1/tenants/{tenant}/budget} for the operator,
 * {@code GET} of it for the operator or the tenant's admin key, and {@code GET /v1/budget} for any
 * key of the caller's tenant. A budget limits tokens and money per UTC day and month, the tokens one
 * request may ask for, and the models and tools a tenant may use; the view adds what the current
 * day and month windows hold (spent, and reserved by calls still running) and when they reset.
 */
public final class BudgetRoutes {

  /** A budget as sent: every field optional, absent or null for no limit. */
  record BudgetBody(Long tokensPerDay, Long tokensPerMonth, BigDecimal costPerDay, BigDecimal costPerMonth,
      Long maxTokensPerRequest, List<String> allowedModels, List<String> allowedTools) {}

  private static final String VIEW = "`tenant`, `budget` (`tokens_per_day`, `tokens_per_month`, `cost_per_day`, "
      + "`cost_per_month`, `max_tokens_per_request`, `allowed_models`, `allowed_tools`; null for no limit, or null "
      + "when no budget is set) and `windows`: `day` and `month`, each with `period`, `tokens` and `cost` held now "
      + "(spent and reserved) and `reset_at`";

  private static final ApiDoc.Param TENANT = ApiDoc.Param.path("tenant",
      "The tenant's id. A tenant's admin key may read only its own tenant's budget; the operator key any.");

  private final Store store;
  private final Metering metering;
  private final Clock clock;

  public BudgetRoutes(Store store, Metering metering, Clock clock) {
    this.store = store;
    this.metering = metering;
    this.clock = clock;
  }

  public void register(Router router) {
    router.route("PUT", "/v1/tenants/{tenant}/budget", Access.operator(),
        ApiDoc.op("putBudget", "Set a tenant's budget")
            .describe("Replaces the tenant's budget. Every limit is optional (absent or null: none): `tokens_per_day`, "
                + "`tokens_per_month` (input and output tokens of model calls), `cost_per_day`, `cost_per_month` (at the "
                + "configured prices, in their currency), `max_tokens_per_request`, `allowed_models` and `allowed_tools` "
                + "(names; absent for all). Each model call reserves its worst case (prompt tokens plus max_tokens) "
                + "before it runs and is refused with 429 `budget_exceeded` when that would pass a limit. Applies "
                + "at once on this server, within `budgets.cache` on others sharing the store.")
            .param(TENANT)
            .jsonBody(BudgetBody.class)
            .responds(200, VIEW)
            .fails(404, "not_found: the tenant does not exist"),
        (r, k) -> put(r));
    router.route("GET", "/v1/tenants/{tenant}/budget", Access.tenantAdmin(),
        ApiDoc.op("getBudget", "A tenant's budget and what its windows hold")
            .param(TENANT)
            .responds(200, VIEW)
            .fails(404, "not_found: the tenant does not exist"),
        (r, k) -> Response.ok(view(existing(r))));
    router.route("DELETE", "/v1/tenants/{tenant}/budget", Access.operator(),
        ApiDoc.op("deleteBudget", "Remove a tenant's budget: no limits")
            .param(TENANT)
            .responds(200, VIEW)
            .fails(404, "not_found: the tenant does not exist or has no budget"),
        (r, k) -> {
          TenantId tenant = existing(r);
          if (!store.ledger().deleteBudget(tenant)) {
            throw new NotFoundException("tenant '" + tenant + "' has no budget");
          }
          metering.budgetChanged(tenant);
          return Response.ok(view(tenant));
        });
    router.route("GET", "/v1/budget", Access.anyKey(),
        ApiDoc.op("getOwnBudget", "The caller's tenant: its budget and what its windows hold")
            .responds(200, VIEW),
        (r, k) -> Response.ok(view(caller(k).tenant())));
  }

  private TenantId existing(Request r) {
    TenantId tenant = TenantId.of(r.path("tenant"));
    if (store.tenants().find(tenant).isEmpty()) {
      throw new NotFoundException("tenant '" + tenant + "' does not exist");
    }
    return tenant;
  }

  private Response put(Request r) throws IOException {
    TenantId tenant = existing(r);
    BudgetBody b = r.body(BudgetBody.class);
    if (b == null) {
      throw ApiException.invalidAt("", "the body must be a JSON object of limits, {} for none");
    }
    Budget budget = new Budget(tokens(b.tokensPerDay(), "/tokens_per_day"), tokens(b.tokensPerMonth(), "/tokens_per_month"),
        money(b.costPerDay(), "/cost_per_day"), money(b.costPerMonth(), "/cost_per_month"),
        tokens(b.maxTokensPerRequest(), "/max_tokens_per_request"), names(b.allowedModels(), "/allowed_models"),
        names(b.allowedTools(), "/allowed_tools"));
    store.ledger().putBudget(tenant, budget, clock.instant());
    metering.budgetChanged(tenant);
    return Response.ok(view(tenant));
  }

  private static OptionalLong tokens(Long v, String pointer) {
    if (v == null) {
      return OptionalLong.empty();
    }
    if (v < 0) {
      throw ApiException.invalidAt(pointer, pointer.substring(1) + " must be >= 0 tokens, got: " + v);
    }
    return OptionalLong.of(v);
  }

  private static OptionalLong money(BigDecimal v, String pointer) {
    if (v == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Nanos.of(v));
    } catch (InvalidInputException e) {
      throw ApiException.invalidAt(pointer, pointer.substring(1) + ": " + e.getMessage());
    }
  }

  private static Optional<Set<String>> names(List<String> v, String pointer) {
    if (v == null) {
      return Optional.empty();
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < v.size(); i++) {
      String name = v.get(i);
      if (name == null || name.isBlank() || name.length() > 200) {
        throw ApiException.invalidAt(pointer + "/" + i, "a name must be 1-200 characters, not blank");
      }
      out.add(name);
    }
    return Optional.of(out);
  }

  private Map<String, Object> view(TenantId tenant) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tenant", tenant.value());
    out.put("budget", store.ledger().budget(tenant).map(BudgetRoutes::limits).orElse(null));
    metering.flush();
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    String day = "day:" + today;
    String month = "month:" + YearMonth.from(today);
    Map<String, WindowSpend> held = new LinkedHashMap<>();
    for (WindowSpend w : store.ledger().spend(tenant, List.of(day, month))) {
      held.put(w.period(), w);
    }
    Map<String, Object> windows = new LinkedHashMap<>();
    windows.put("day", window(held.getOrDefault(day, new WindowSpend(day, 0, 0)),
        today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
    windows.put("month", window(held.getOrDefault(month, new WindowSpend(month, 0, 0)),
        YearMonth.from(today).plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
    out.put("windows", windows);
    return out;
  }

  private static Map<String, Object> window(WindowSpend w, Instant reset) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("period", w.period().substring(w.period().indexOf(':') + 1));
    out.put("tokens", w.tokens());
    out.put("cost", Nanos.decimal(w.costNanos()));
    out.put("reset_at", reset.toString());
    return out;
  }

  static Map<String, Object> limits(Budget b) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tokens_per_day", b.tokensPerDay().isPresent() ? b.tokensPerDay().getAsLong() : null);
    out.put("tokens_per_month", b.tokensPerMonth().isPresent() ? b.tokensPerMonth().getAsLong() : null);
    out.put("cost_per_day", b.costPerDayNanos().isPresent() ? Nanos.decimal(b.costPerDayNanos().getAsLong()) : null);
    out.put("cost_per_month", b.costPerMonthNanos().isPresent() ? Nanos.decimal(b.costPerMonthNanos().getAsLong()) : null);
    out.put("max_tokens_per_request", b.maxTokensPerRequest().isPresent() ? b.maxTokensPerRequest().getAsLong() : null);
    out.put("allowed_models", b.allowedModels().map(s -> s.stream().sorted().toList()).orElse(null));
    out.put("allowed_tools", b.allowedTools().map(s -> s.stream().sorted().toList()).orElse(null));
    return out;
  }
}
