package dev.quarry.server.api;

import static dev.quarry.server.tenancy.TenantCollections.caller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.search.FusionMethod;
import dev.quarry.core.search.SearchMode;
import dev.quarry.server.evaluation.EvaluationJobs;
import dev.quarry.server.evaluation.EvaluationSpec;
import dev.quarry.server.evaluation.JudgmentsUpload;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.server.http.Request;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.store.Page;
import dev.quarry.store.evaluation.Evaluation;
import dev.quarry.store.evaluation.EvaluationStore;
import dev.quarry.store.evaluation.JudgmentSet;
import dev.quarry.store.key.Scope;
import dev.quarry.store.tenant.TenantId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judgment sets and evaluation jobs: {@code PUT}, {@code GET} and {@code DELETE
 * /v1/judgments/{judgments}}, {@code GET /v1/judgments}; {@code POST /v1/evaluations} (a job,
 * answered 202), {@code GET /v1/evaluations} and {@code GET /v1/evaluations/{evaluation}}.
 */
public final class EvaluationRoutes {

  /** The body of {@code PUT /v1/judgments/{judgments}}, for the API description (read as a tree). */
  record JudgmentsBody(String format, JsonNode queries, String qrels) {}

  /** One configuration of an evaluation, for the API description. */
  record ConfigurationBody(String name, SearchMode mode, FusionMethod fusion, Double vectorWeight, Boolean complete,
      Integer candidates, RerankBody rerank, VectorFeedbackBody feedback) {}

  /** The body of {@code POST /v1/evaluations}, for the API description (read as a tree). */
  record EvaluationBody(String collection, String judgments, List<ConfigurationBody> configurations, String baseline,
      Integer trials) {}

  private static final ApiDoc.Param JUDGMENTS = ApiDoc.Param.path("judgments",
      "A judgment set of the caller's tenant: 1-64 letters, digits, '.', '_' or '-'.");
  private static final ApiDoc.Param EVALUATION = ApiDoc.Param.path("evaluation", "The evaluation id.");

  private final EvaluationStore store;
  private final TenantCollections collections;
  private final EvaluationJobs jobs;
  private final JsonCodec json;

  public EvaluationRoutes(EvaluationStore store, TenantCollections collections, EvaluationJobs jobs, JsonCodec json) {
    this.store = store;
    this.collections = collections;
    this.jobs = jobs;
    this.json = json;
  }

  public void register(Router router) {
    Access ingest = Access.scope(Scope.INGEST);
    Access search = Access.scope(Scope.SEARCH);
    String setView = "`name`, `format`, `queries` and `judgments` (counts), `fingerprint` (SHA-256 of the normalised "
        + "set), `created_at`, `updated_at`";
    router.route("PUT", "/v1/judgments/{judgments}", ingest,
        ApiDoc.op("putJudgments", "Store a query set with relevance judgments")
            .describe("`format`: `beir` or `trec`. `queries`: an object of query id to text, or the text of a BEIR "
                + "`queries.jsonl` (`{\"_id\", \"text\"}` per line) or a TREC topics list (`id<TAB>text` per line). "
                + "`qrels`: the text of BEIR qrels (`query-id<TAB>corpus-id<TAB>score`, header optional) or TREC qrels "
                + "(`qid iter docid rel`). Judged queries are kept, up to " + JudgmentsUpload.MAX_QUERIES
                + "; a set of the same name is replaced.")
            .param(JUDGMENTS)
            .jsonBody(JudgmentsBody.class, "format", "queries", "qrels")
            .responds(200, "The set: " + setView),
        (r, k) -> {
          String name = judgmentsName(r);
          JudgmentSet set = store.putJudgments(caller(k).tenant(), JudgmentsUpload.parse(name, r.bodyTree()));
          return Response.ok(view(set));
        });
    router.route("GET", "/v1/judgments", search,
        ApiDoc.op("listJudgments", "List the caller's judgment sets by name")
            .responds(200, "`judgments`: " + setView),
        (r, k) -> {
          List<Map<String, Object>> items = new ArrayList<>();
          store.listJudgments(caller(k).tenant(), 1000).forEach(s -> items.add(view(s)));
          return Response.ok(Map.of("judgments", items));
        });
    router.route("GET", "/v1/judgments/{judgments}", search,
        ApiDoc.op("getJudgments", "A judgment set").param(JUDGMENTS).responds(200, setView)
            .fails(404, "not_found: the tenant has no such judgment set"),
        (r, k) -> Response.ok(view(findSet(caller(k).tenant(), judgmentsName(r)))));
    router.route("DELETE", "/v1/judgments/{judgments}", ingest,
        ApiDoc.op("deleteJudgments", "Delete a judgment set").param(JUDGMENTS)
            .responds(200, "`{\"deleted\": true}`; evaluations not yet run on it fail")
            .fails(404, "not_found: the tenant has no such judgment set"),
        (r, k) -> {
          JudgmentSet set = findSet(caller(k).tenant(), judgmentsName(r));
          store.deleteJudgments(set.tenant(), set.name());
          return Response.ok(Map.of("deleted", true));
        });
    String evalView = "`id`, `collection`, `judgments`, `judgments_fingerprint`, `state` (`queued`, `running`, "
        + "`succeeded`, `failed`), `configurations` and `baseline` as asked, `created_at`, `finished_at`, `error`, and "
        + "once succeeded `result`: `queries`, `baseline`, `trials`, per configuration its `fingerprint`, `settings`, "
        + "`metrics` (ndcg@10, mrr@10, recall@100, p@10, map@100 as trec_eval defines them), `latency_ms`, and beside "
        + "the baseline `vs_baseline` (per metric `mean_difference`, `wins`, `losses`, `ties` and the paired "
        + "randomisation test's two-sided `p_value`) with the queries `won` and `lost` on nDCG@10; and "
        + "`ndcg@10_per_query`";
    router.route("POST", "/v1/evaluations", search,
        ApiDoc.op("createEvaluation", "Evaluate configurations of a collection against a judgment set")
            .describe("`collection` and `judgments` of the caller's tenant; `configurations`: 1-"
                + EvaluationSpec.MAX_CONFIGURATIONS + " of {`name`, `mode`, `fusion`, `vector_weight`, `complete` "
                + "(score completion, weighted and dbsf only, default false), `candidates` (per retriever, default 100 "
                + "as a search), `rerank`, `feedback` (vector pseudo-relevance feedback, as a search)}, a search's defaults for what is left out; "
                + "`baseline` (a configuration's name, default the first); `trials` of the randomisation test "
                + "(default 10000). The job runs in the background, one at a time per server; the metrics are "
                + "those `quarry eval` computes for the same configuration, and each configuration's fingerprint "
                + "is the one its searches report.")
            .jsonBody(EvaluationBody.class, "collection", "judgments", "configurations")
            .responds(202, "The evaluation, `queued`: " + evalView)
            .fails(404, "not_found: the collection or the judgment set does not exist"),
        (r, k) -> {
          TenantId tenant = caller(k).tenant();
          JsonNode body = r.bodyTree();
          EvaluationSpec spec = EvaluationSpec.parse(body);
          collections.existing(new TenantCollection(tenant, spec.collection()));
          JudgmentSet set = findSet(tenant, spec.judgments());
          Evaluation e = store.create(tenant, spec.collection(), set.name(), set.fingerprint(), body.toString());
          jobs.submit(e);
          return Response.accepted(view(e));
        });
    router.route("GET", "/v1/evaluations", search,
        ApiDoc.op("listEvaluations", "List the caller's evaluations, newest first")
            .param(ApiDoc.Param.query("limit", "Page size, 1-1000 (default 50)."))
            .param(ApiDoc.Param.query("cursor", "`next_cursor` of the previous page."))
            .responds(200, "`evaluations` (without `result`), `next_cursor`"),
        (r, k) -> {
          Page<Evaluation> page = store.list(caller(k).tenant(), Paging.of(r, 50));
          return Response.ok(Paging.body("evaluations", page, e -> {
            Map<String, Object> v = view(e);
            v.remove("result");
            return v;
          }));
        });
    router.route("GET", "/v1/evaluations/{evaluation}", search,
        ApiDoc.op("getEvaluation", "An evaluation: its state, and its result once it succeeded")
            .param(EVALUATION)
            .responds(200, evalView)
            .fails(404, "not_found: the tenant has no such evaluation"),
        (r, k) -> {
          String id = r.path("evaluation");
          return Response.ok(view(store.find(caller(k).tenant(), id)
              .orElseThrow(() -> new NotFoundException("evaluation '" + id + "' does not exist"))));
        });
  }

  private static String judgmentsName(Request r) {
    String name = r.path("judgments");
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw dev.quarry.server.error.ApiException.invalidParameter("judgments",
          "a judgment set's name is 1-64 letters, digits, '.', '_' or '-'");
    }
    return name;
  }

  private JudgmentSet findSet(TenantId tenant, String name) {
    return store.findJudgments(tenant, name)
        .orElseThrow(() -> new NotFoundException("judgment set '" + name + "' does not exist"));
  }

  private static Map<String, Object> view(JudgmentSet s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("format", s.format());
    m.put("queries", s.queryCount());
    m.put("judgments", s.judgmentCount());
    m.put("fingerprint", s.fingerprint());
    m.put("created_at", s.createdAt().toString());
    m.put("updated_at", s.updatedAt().toString());
    return m;
  }

  private Map<String, Object> view(Evaluation e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("collection", e.collection());
    m.put("judgments", e.judgments());
    m.put("judgments_fingerprint", e.judgmentsFingerprint());
    m.put("state", e.state().wireName());
    JsonNode request = tree(e.request());
    m.put("configurations", request.get("configurations"));
    m.put("baseline", request.hasNonNull("baseline") ? request.get("baseline").asText()
        : request.get("configurations").get(0).get("name").asText());
    m.put("created_at", e.createdAt().toString());
    m.put("finished_at", e.finishedAt().map(Object::toString).orElse(null));
    m.put("error", e.error().orElse(null));
    m.put("result", e.result().map(this::tree).orElse(null));
    return m;
  }

  private JsonNode tree(String text) {
    try {
      return json.tree(text);
    } catch (IOException ex) {
      throw new IllegalStateException("a stored evaluation is unreadable", ex);
    }
  }
}
