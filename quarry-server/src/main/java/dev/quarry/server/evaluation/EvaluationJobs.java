package dev.quarry.server.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.core.error.QuarryException;
import dev.quarry.engine.Collection;
import dev.quarry.eval.EvalMode;
import dev.quarry.eval.EvalOptions;
import dev.quarry.eval.EvalRunner;
import dev.quarry.eval.compare.BaselineComparison;
import dev.quarry.eval.dataset.EvalSplit;
import dev.quarry.eval.dataset.Query;
import dev.quarry.eval.metric.BeirMetrics;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.store.evaluation.Evaluation;
import dev.quarry.store.evaluation.EvaluationStore;
import dev.quarry.store.evaluation.JudgmentSet;
import dev.quarry.store.tenant.TenantId;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs evaluation jobs one at a time on a platform thread of their own ({@code quarry-evaluations}),
 * in the order they were created; at start it takes up the jobs that were queued or running when
 * the server last stopped. Each configuration ranks through {@link RankingConfiguration#over}, the
 * code {@code quarry eval} runs, so a job's metrics are those the CLI reports for the same
 * collection and configuration, and its fingerprints those the collection's searches carry.
 *
 * <p>The result: per configuration its fingerprint, settings, the five metrics (trec_eval's
 * definitions), search latency, and against the baseline each metric's mean difference, per-query
 * wins, losses and ties, and the two-sided p-value of a paired randomisation test (built by {@link
 * BaselineComparison#of}, as {@code quarry eval --baseline} builds it, with the same seed, so a job
 * repeated on the same index gives the same p-values); the queries each configuration won and lost on
 * nDCG@10; and every query's nDCG@10 per configuration.
 */
public final class EvaluationJobs implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EvaluationJobs.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EvaluationStore store;
  private final TenantCollections collections;
  private final ExecutorService runner =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().name("quarry-evaluations").daemon(true).factory());

  private EvaluationJobs(EvaluationStore store, TenantCollections collections) {
    this.store = store;
    this.collections = collections;
  }

  /** The runner, with the unfinished jobs of the last run queued again. */
  public static EvaluationJobs start(EvaluationStore store, TenantCollections collections) {
    EvaluationJobs jobs = new EvaluationJobs(store, collections);
    store.unfinished().forEach(jobs::submit);
    return jobs;
  }

  /** Queues a created job. */
  public void submit(Evaluation e) {
    runner.execute(() -> run(e.tenant(), e.id()));
  }

  private void run(TenantId tenant, String id) {
    Evaluation e = store.find(tenant, id).orElse(null);
    if (e == null || e.state().finished() || !store.start(tenant, id)) {
      return;
    }
    try {
      store.succeed(tenant, id, evaluate(e));
    } catch (QuarryException | IllegalArgumentException | IllegalStateException | IOException failure) {
      LOG.atWarn().addKeyValue("evaluation", id).log("evaluation {} failed: {}", id, failure.getMessage());
      store.fail(tenant, id, failure.getMessage());
    } catch (RuntimeException failure) {
      LOG.atError().setCause(failure).addKeyValue("evaluation", id).log("evaluation {} failed", id);
      store.fail(tenant, id, "internal error: " + failure);
    }
  }

  private String evaluate(Evaluation e) throws IOException {
    EvaluationSpec spec = EvaluationSpec.parse(JSON.readTree(e.request()));
    JudgmentSet set = store.findJudgments(e.tenant(), e.judgments()).orElseThrow(() -> new IllegalStateException(
        "judgments '" + e.judgments() + "' were deleted before the evaluation ran"));
    if (!set.fingerprint().equals(e.judgmentsFingerprint())) {
      throw new IllegalStateException("judgments '" + e.judgments() + "' changed after the evaluation was created "
          + "(fingerprint " + e.judgmentsFingerprint() + ", now " + set.fingerprint() + "); create it again");
    }
    Collection collection = collections.existing(new TenantCollection(e.tenant(), e.collection()));
    EvalSplit split = JudgmentsUpload.split(set);
    int depth = spec.configurations().stream().mapToInt(c -> c.configuration().evalDepth()).max().orElseThrow();
    EvalRunner evaluator = EvalRunner.create(EvalOptions.defaults().withDepth(depth).withParallelism(1));
    Map<String, EvalRunner.Detailed> results = new LinkedHashMap<>();
    for (EvaluationSpec.Named n : spec.configurations()) {
      results.put(n.name(), evaluator.runDetailed(set.name(), split,
          new EvalMode(n.name(), n.configuration().over(collection))));
    }
    Map<String, List<BeirMetrics>> perQueryScores = new LinkedHashMap<>();
    results.forEach((name, r) -> perQueryScores.put(name, r.perQuery()));
    BaselineComparison vsBaseline = BaselineComparison.of(spec.baseline(),
        split.queries().stream().map(Query::id).toList(), perQueryScores.get(spec.baseline()), perQueryScores,
        spec.trials());
    ObjectNode out = JSON.createObjectNode();
    out.put("queries", split.queries().size());
    out.put("baseline", spec.baseline());
    out.put("trials", spec.trials());
    ArrayNode configurations = out.putArray("configurations");
    for (EvaluationSpec.Named n : spec.configurations()) {
      EvalRunner.Detailed r = results.get(n.name());
      ObjectNode c = configurations.addObject();
      c.put("name", n.name());
      c.put("fingerprint", n.configuration().fingerprint(collection));
      c.set("settings", settings(n.configuration()));
      ObjectNode metrics = c.putObject("metrics");
      r.result().metrics().byName().forEach(metrics::put);
      ObjectNode latency = c.putObject("latency_ms");
      latency.put("p50", r.result().latency().p50Millis());
      latency.put("p95", r.result().latency().p95Millis());
      vsBaseline.of(n.name()).ifPresent(compared -> {
        ObjectNode vs = c.putObject("vs_baseline");
        compared.byMetric().forEach((metric, p) -> {
          ObjectNode m = vs.putObject(metric);
          m.put("mean_difference", p.meanDifference());
          m.put("wins", p.wins());
          m.put("losses", p.losses());
          m.put("ties", p.ties());
          m.put("p_value", p.pValue());
        });
        ArrayNode won = c.putArray("won");
        compared.won().forEach(won::add);
        ArrayNode lost = c.putArray("lost");
        compared.lost().forEach(lost::add);
      });
    }
    ObjectNode perQuery = out.putObject("ndcg@10_per_query");
    for (int i = 0; i < split.queries().size(); i++) {
      ObjectNode q = perQuery.putObject(split.queries().get(i).id());
      for (var r : results.entrySet()) {
        q.put(r.getKey(), r.getValue().perQuery().get(i).ndcgAt10());
      }
    }
    return out.toString();
  }

  private static JsonNode settings(RankingConfiguration c) {
    return JSON.valueToTree(c.settings());
  }

  /** Stops taking jobs; a running one is interrupted and runs again at the next start. */
  @Override
  public void close() {
    runner.shutdownNow();
  }

  static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("stored JSON is unreadable", e);
    }
  }
}
