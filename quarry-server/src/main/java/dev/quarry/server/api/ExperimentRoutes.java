package dev.quarry.server.api;

import static dev.quarry.server.tenancy.TenantCollections.caller;

import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.search.FusionMethod;
import dev.quarry.core.search.SearchMode;
import dev.quarry.experiment.ExperimentReport;
import dev.quarry.experiment.Interval;
import dev.quarry.server.experiment.ExperimentSpec;
import dev.quarry.server.experiment.Experiments;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.store.Page;
import dev.quarry.store.experiment.Experiment;
import dev.quarry.store.experiment.NewExperiment;
import dev.quarry.store.key.Scope;
import dev.quarry.store.tenant.TenantId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Online experiments on a tenant's collections: {@code POST /v1/experiments} starts one, {@code GET
 * /v1/experiments} lists them, {@code GET /v1/experiments/{experiment}} gives one with its per-arm
 * report, {@code POST /v1/experiments/{experiment}/stop} stops it (kept, with its report, so it can
 * still be read; a stop rather than a DELETE for that reason).
 */
public final class ExperimentRoutes {

  /** An arm's configuration, for the API description. */
  record ArmConfigurationBody(SearchMode mode, FusionMethod fusion, Double vectorWeight, Boolean complete,
      Integer candidates, RerankBody rerank, VectorFeedbackBody feedback) {}

  /** An arm, for the API description. */
  record ArmBody(String name, Double weight, ArmConfigurationBody configuration) {}

  /** The body of {@code POST /v1/experiments}, for the API description (read as a tree). */
  record ExperimentBody(String name, String collection, ExperimentSpec.Kind kind, ExperimentSpec.AssignBy assignBy,
      List<ArmBody> arms) {}

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  private static final ApiDoc.Param EXPERIMENT = ApiDoc.Param.path("experiment", "The experiment id.");

  private final Experiments experiments;
  private final TenantCollections collections;

  public ExperimentRoutes(Experiments experiments, TenantCollections collections) {
    this.experiments = experiments;
    this.collections = collections;
  }

  public void register(Router router) {
    Access ingest = Access.scope(Scope.INGEST);
    Access search = Access.scope(Scope.SEARCH);
    String view = "`id`, `name`, `collection`, `kind`, `assign_by`, `arms` (`name`, `weight`, `configuration`), "
        + "`state` (`running` or `stopped`), `created_at`, `stopped_at`";
    String report = "`report`: per arm (`arms`) `impressions`, `clicks`, `clicked_impressions`, `ctr` (share of "
        + "impressions with a click credited to the arm), `rating` and `dwell_ms` (means, with their counts `ratings` "
        + "and `dwells`), each interval an object `estimate`, `low`, `high` (95%; null without data) and `method` "
        + "(`wilson_95`: Wilson score interval; `normal_95`: mean +- 1.96 s/sqrt(n)); for `interleave` also "
        + "`preference`: the first arm's `wins`, `losses`, `ties` (impressions compared by credited clicks), "
        + "`no_click`, and `win_rate` = wins / (wins + losses) with its Wilson interval";
    router.route("POST", "/v1/experiments", ingest,
        ApiDoc.op("createExperiment", "Start an A/B or interleaving experiment on a collection")
            .describe("`name`; `collection` of the caller's tenant; `kind`: `ab` (default; each enrolled search is "
                + "ranked by one arm, chosen by the traffic split) or `interleave` (exactly two arms; their rankings "
                + "are merged by team-draft interleaving and each hit names its arm); `assign_by`: `user` (default) "
                + "or `session` (which id of a search assigns it: its `user` or `session_id`; assignment is sticky, "
                + "by a hash of the experiment and that id); `arms`: 2-" + ExperimentSpec.MAX_ARMS + " of {`name`, "
                + "`weight` (traffic share, a positive number, default 1), `configuration` ({`mode`, `fusion`, "
                + "`vector_weight`, `complete`, `candidates`, `rerank`, `feedback`}: an evaluation's configuration, a search's defaults for "
                + "what is left out)}. One experiment runs per collection at a time.")
            .jsonBody(ExperimentBody.class, "name", "collection", "arms")
            .responds(201, "The experiment: " + view)
            .fails(404, "not_found: the collection does not exist")
            .fails(409, "conflict: an experiment is already running on the collection"),
        (r, k) -> {
          TenantId tenant = caller(k).tenant();
          ExperimentSpec spec = ExperimentSpec.parse(r.bodyTree());
          collections.existing(new TenantCollection(tenant, spec.collection()));
          Experiment e = experiments.store().create(tenant, new NewExperiment(spec.name(), spec.collection(),
              spec.kind().wireName(), spec.assignBy().wireName(), json(spec.armsView())));
          return Response.created(view(e));
        });
    router.route("GET", "/v1/experiments", search,
        ApiDoc.op("listExperiments", "List the caller's experiments, newest first")
            .param(ApiDoc.Param.query("limit", "Page size, 1-1000 (default 50)."))
            .param(ApiDoc.Param.query("cursor", "`next_cursor` of the previous page."))
            .responds(200, "`experiments` (without `report`), `next_cursor`"),
        (r, k) -> {
          Page<Experiment> page = experiments.store().list(caller(k).tenant(), Paging.of(r, 50));
          return Response.ok(Paging.body("experiments", page, ExperimentRoutes::view));
        });
    router.route("GET", "/v1/experiments/{experiment}", search,
        ApiDoc.op("getExperiment", "An experiment and its per-arm report").param(EXPERIMENT)
            .responds(200, view + "; " + report)
            .fails(404, "not_found: the tenant has no such experiment"),
        (r, k) -> {
          TenantId tenant = caller(k).tenant();
          Experiment e = find(tenant, r.path("experiment"));
          Map<String, Object> out = view(e);
          out.put("report", report(experiments.report(tenant, e)));
          return Response.ok(out);
        });
    router.route("POST", "/v1/experiments/{experiment}/stop", ingest,
        ApiDoc.op("stopExperiment", "Stop an experiment: searches are no longer enrolled; its report stays")
            .param(EXPERIMENT)
            .responds(200, "The experiment, `stopped`: " + view)
            .fails(404, "not_found: the tenant has no such experiment"),
        (r, k) -> {
          TenantId tenant = caller(k).tenant();
          Experiment e = find(tenant, r.path("experiment"));
          experiments.store().stop(tenant, e.id());
          return Response.ok(view(find(tenant, e.id())));
        });
  }

  private Experiment find(TenantId tenant, String id) {
    return experiments.store().find(tenant, id)
        .orElseThrow(() -> new NotFoundException("experiment '" + id + "' does not exist"));
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write an experiment's arms", e);
    }
  }

  private static Map<String, Object> view(Experiment e) {
    ExperimentSpec spec = Experiments.spec(e);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("name", e.name());
    m.put("collection", e.collection());
    m.put("kind", spec.kind().wireName());
    m.put("assign_by", spec.assignBy().wireName());
    m.put("arms", spec.armsView());
    m.put("state", e.running() ? "running" : "stopped");
    m.put("created_at", e.createdAt().toString());
    m.put("stopped_at", e.stoppedAt().map(Object::toString).orElse(null));
    return m;
  }

  private static Map<String, Object> report(ExperimentReport report) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Map<String, Object>> arms = new ArrayList<>();
    for (ExperimentReport.ArmReport a : report.arms()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("arm", a.arm());
      m.put("impressions", a.impressions());
      m.put("clicks", a.clicks());
      m.put("clicked_impressions", a.clickedImpressions());
      m.put("ctr", interval(a.ctr()));
      m.put("ratings", a.ratings());
      m.put("rating", interval(a.rating()));
      m.put("dwells", a.dwells());
      m.put("dwell_ms", interval(a.dwellMs()));
      arms.add(m);
    }
    out.put("arms", arms);
    report.preference().ifPresent(p -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("arm", p.arm());
      m.put("versus", p.versus());
      m.put("wins", p.wins());
      m.put("losses", p.losses());
      m.put("ties", p.ties());
      m.put("no_click", p.noClick());
      m.put("win_rate", interval(p.winRate()));
      out.put("preference", m);
    });
    return out;
  }

  private static Map<String, Object> interval(Interval i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("estimate", finite(i.estimate()));
    m.put("low", finite(i.low()));
    m.put("high", finite(i.high()));
    m.put("method", i.method());
    return m;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
