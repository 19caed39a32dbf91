package dev.quarry.server.api;

import static dev.quarry.server.tenancy.TenantCollections.caller;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.index.IndexStats;
import dev.quarry.engine.Collection;
import dev.quarry.runtime.metering.Metering;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.Request;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.server.usage.UsageMeter;
import dev.quarry.store.Store;
import dev.quarry.store.collection.CollectionRecord;
import dev.quarry.store.document.DocumentState;
import dev.quarry.store.document.StateCounts;
import dev.quarry.store.ledger.ModelDay;
import dev.quarry.store.ledger.Nanos;
import dev.quarry.store.tenant.TenantId;
import dev.quarry.store.usage.DailyUsage;
import dev.quarry.store.usage.Meter;
import dev.quarry.store.usage.UsageStore;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a tenant holds and what it used: {@code GET /v1/usage} for the calling key's tenant (any
 * scope), {@code GET /v1/tenants/{tenant}/usage} for the operator.
 *
 * <p>Holdings are read now: collections, documents by ingestion state and the bytes of their stored
 * content (store), indexed chunks and index bytes on disk (engine). Metered counts come per UTC day
 * from the {@link UsageMeter}: searches, documents submitted and indexed, bytes uploaded; model calls
 * (tokens and cost per model per day) from the ledger, after the {@link Metering} wrote what it holds.
 */
public final class UsageRoutes {

  /** The days a range covers by default, ending today. */
  static final int DEFAULT_DAYS = 30;
  /** The longest range one call may ask for. */
  static final int MAX_DAYS = 366;

  private static final String VIEW = "`tenant`, `from`, `to`, `holdings` (`collections`, `documents` by state and "
      + "`total`, `chunks`, `index_bytes`, `content_bytes`, and the same per collection in `by_collection`), `totals` "
      + "over the range and `days` (every day of the range: `date`, `searches`, `documents_submitted`, "
      + "`documents_indexed`, `bytes_uploaded`, and `models`: per model that answered, `model`, `calls`, "
      + "`input_tokens`, `output_tokens`, `cached_tokens` and `cost` at the configured prices), and `models`, the "
      + "same per model over the range. Counts of the last few seconds of another instance sharing the "
      + "database appear once it flushes them";

  static final ApiDoc.Param FROM = ApiDoc.Param.query("from",
      "First day (UTC, yyyy-mm-dd) of the metered counts; default " + (DEFAULT_DAYS - 1) + " days before `to`.");
  static final ApiDoc.Param TO = ApiDoc.Param.query("to",
      "Last day (UTC, yyyy-mm-dd), included; default today. A range spans at most " + MAX_DAYS + " days.");

  private final Store store;
  private final TenantCollections collections;
  private final UsageMeter usage;
  private final Metering metering;

  public UsageRoutes(Store store, TenantCollections collections, UsageMeter usage, Metering metering) {
    this.store = store;
    this.collections = collections;
    this.usage = usage;
    this.metering = metering;
  }

  public void register(Router router) {
    router.route("GET", "/v1/usage", Access.anyKey(),
        ApiDoc.op("getUsage", "The caller's tenant: what it holds and what it used per day")
            .param(FROM).param(TO)
            .responds(200, VIEW),
        (r, k) -> Response.ok(usage(caller(k).tenant(), r)));
    router.route("GET", "/v1/tenants/{tenant}/usage", Access.operator(),
        ApiDoc.op("getTenantUsage", "A tenant's holdings and usage per day, for operators")
            .param(ApiDoc.Param.path("tenant", "The tenant's id."))
            .param(FROM).param(TO)
            .responds(200, VIEW)
            .fails(404, "not_found: the tenant does not exist"),
        (r, k) -> {
          TenantId tenant = TenantId.of(r.path("tenant"));
          if (store.tenants().find(tenant).isEmpty()) {
            throw new NotFoundException("tenant '" + tenant + "' does not exist");
          }
          return Response.ok(usage(tenant, r));
        });
  }

  private Map<String, Object> usage(TenantId tenant, Request r) {
    LocalDate today = usage.today();
    Optional<LocalDate> from = r.query("from").map(v -> date("from", v));
    LocalDate to = r.query("to").map(v -> date("to", v)).orElse(today);
    LocalDate start = from.orElse(to.minusDays(DEFAULT_DAYS - 1));
    if (start.isAfter(to)) {
      throw ApiException.invalidParameter("from", "from (" + start + ") must not be after to (" + to + ")");
    }
    long span = ChronoUnit.DAYS.between(start, to) + 1;
    if (span > MAX_DAYS) {
      throw ApiException.invalidParameter("from", "the range from " + start + " to " + to + " spans " + span
          + " days; ask for at most " + MAX_DAYS + " at a time");
    }
    List<DailyUsage> days = usage.days(tenant, start, to);
    metering.flush();
    Map<LocalDate, List<ModelDay>> calls = new TreeMap<>();
    Map<String, ModelDay> byModel = new TreeMap<>();
    for (ModelDay m : store.ledger().days(tenant, start, to)) {
      calls.computeIfAbsent(m.day(), d -> new ArrayList<>()).add(m);
      byModel.merge(m.model(), m, (a, b) -> new ModelDay(a.day(), a.model(), a.calls() + b.calls(),
          a.inputTokens() + b.inputTokens(), a.outputTokens() + b.outputTokens(), a.cachedTokens() + b.cachedTokens(),
          a.costNanos() + b.costNanos()));
    }
    Map<Meter, Long> totals = new EnumMap<>(Meter.class);
    List<Map<String, Object>> perDay = new ArrayList<>(days.size());
    for (DailyUsage d : days) {
      Map<String, Object> day = new LinkedHashMap<>();
      day.put("date", d.day().toString());
      d.counts().forEach((m, n) -> {
        day.put(m.wireName(), n);
        totals.merge(m, n, Long::sum);
      });
      day.put("models", calls.getOrDefault(d.day(), List.of()).stream().map(UsageRoutes::model).toList());
      perDay.add(day);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tenant", tenant.value());
    out.put("from", start.toString());
    out.put("to", to.toString());
    out.put("holdings", holdings(tenant));
    out.put("totals", meters(new DailyUsage(start, totals)));
    out.put("days", perDay);
    out.put("models", byModel.values().stream().map(UsageRoutes::model).toList());
    return out;
  }

  private static Map<String, Object> model(ModelDay m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", m.model());
    out.put("calls", m.calls());
    out.put("input_tokens", m.inputTokens());
    out.put("output_tokens", m.outputTokens());
    out.put("cached_tokens", m.cachedTokens());
    out.put("cost", Nanos.decimal(m.costNanos()));
    return out;
  }

  private Map<String, Object> holdings(TenantId tenant) {
    List<Map<String, Object>> byCollection = new ArrayList<>();
    Map<DocumentState, Long> documents = new EnumMap<>(DocumentState.class);
    long chunks = 0;
    long indexBytes = 0;
    long contentBytes = 0;
    for (CollectionRecord record : store.collections().list(tenant)) {
      StateCounts counts = store.documents().counts(record.key());
      long content = store.documents().contentBytes(record.key());
      Optional<IndexStats> index = index(tenant, record.key().name());
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", record.key().name());
      c.put("documents", states(counts));
      c.put("chunks", index.map(IndexStats::chunks).orElse(0L));
      c.put("index_bytes", index.map(IndexStats::sizeBytes).orElse(0L));
      c.put("content_bytes", content);
      byCollection.add(c);
      counts.counts().forEach((s, n) -> documents.merge(s, n, Long::sum));
      chunks += index.map(IndexStats::chunks).orElse(0L);
      indexBytes += index.map(IndexStats::sizeBytes).orElse(0L);
      contentBytes += content;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("collections", byCollection.size());
    out.put("documents", states(new StateCounts(documents)));
    out.put("chunks", chunks);
    out.put("index_bytes", indexBytes);
    out.put("content_bytes", contentBytes);
    out.put("by_collection", byCollection);
    return out;
  }

  /** The engine's counts of a stored collection; empty when it has no index (or a name the API cannot hold). */
  private Optional<IndexStats> index(TenantId tenant, String name) {
    TenantCollection c;
    try {
      c = new TenantCollection(tenant, name);
    } catch (InvalidInputException e) {
      return Optional.empty();
    }
    return collections.engine().find(c.engineName()).map(Collection::stats);
  }

  private static Map<String, Object> states(StateCounts counts) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (DocumentState s : DocumentState.values()) {
      out.put(s.wireName(), counts.get(s));
    }
    out.put("total", counts.total());
    return out;
  }

  private static Map<String, Object> meters(DailyUsage usage) {
    Map<String, Object> out = new LinkedHashMap<>();
    usage.counts().forEach((m, n) -> out.put(m.wireName(), n));
    return out;
  }

  private static LocalDate date(String name, String value) {
    try {
      return UsageStore.requireStorable(LocalDate.parse(value), name);
    } catch (DateTimeParseException | InvalidInputException e) {
      throw ApiException.invalidParameter(name, name + " must be a date as yyyy-mm-dd (UTC) in the years 0-9999, got: '"
          + value + "'");
    }
  }
}
