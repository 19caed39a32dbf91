package dev.quarry.store.evaluation;

import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import dev.quarry.store.tenant.TenantId;
import java.util.List;
import java.util.Optional;

/** Tenants' judgment sets and evaluation jobs. */
public interface EvaluationStore {

  /** Stores a judgment set, replacing the tenant's set of that name; {@code NotFoundException} for an unknown tenant. */
  JudgmentSet putJudgments(TenantId tenant, NewJudgments judgments);

  Optional<JudgmentSet> findJudgments(TenantId tenant, String name);

  /** The tenant's judgment sets by name (their contents too), at most {@code limit}. */
  List<JudgmentSet> listJudgments(TenantId tenant, int limit);

  boolean deleteJudgments(TenantId tenant, String name);

  /** Records a queued evaluation job; {@code NotFoundException} for an unknown tenant. */
  Evaluation create(TenantId tenant, String collection, String judgments, String judgmentsFingerprint, String request);

  Optional<Evaluation> find(TenantId tenant, String id);

  /** The tenant's evaluations, newest first. */
  Page<Evaluation> list(TenantId tenant, PageRequest page);

  /** Marks a queued evaluation running; false when it is not queued (already taken, or gone). */
  boolean start(TenantId tenant, String id);

  /** Marks an evaluation succeeded with its result (JSON). */
  void succeed(TenantId tenant, String id, String result);

  /** Marks an evaluation failed with why. */
  void fail(TenantId tenant, String id, String error);

  /**
   * Evaluations of every tenant that are queued or were running when the server stopped, oldest
   * first: the runner's work at start. Background workers only (all tenants).
   */
  List<Evaluation> unfinished();
}
