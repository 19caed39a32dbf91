package dev.quarry.store.experiment;

import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import dev.quarry.store.tenant.TenantId;
import java.util.List;
import java.util.Optional;

/** Tenants' online experiments, the impressions served under them and the feedback on those. */
public interface ExperimentStore {

  /**
   * Starts an experiment; {@code NotFoundException} for an unknown tenant, {@code ConflictException}
   * when one is already running on the collection (at most one runs per collection).
   */
  Experiment create(TenantId tenant, NewExperiment experiment);

  Optional<Experiment> find(TenantId tenant, String id);

  /** The tenant's experiments, newest first. */
  Page<Experiment> list(TenantId tenant, PageRequest page);

  /** The experiment running on the tenant's collection, if one is. */
  Optional<Experiment> running(TenantId tenant, String collection);

  /** Stops a running experiment; false when it is unknown or already stopped. */
  boolean stop(TenantId tenant, String id);

  /**
   * Records an impression, counted in the experiment's {@link #totals}; {@code NotFoundException}
   * when the tenant has no such experiment, {@code ConflictException} when the tenant already has
   * one under that request id.
   */
  ImpressionRecord recordImpression(TenantId tenant, String requestId, String experimentId, Optional<String> arm,
      String unitHash, String shown);

  /** The tenant's impression under {@code requestId}; another tenant's is not found. */
  Optional<ImpressionRecord> findImpression(TenantId tenant, String requestId);

  /**
   * Records feedback on the tenant's impression {@code requestId}, and what it adds to the
   * experiment's {@link #totals}; {@code NotFoundException} when the tenant has no such impression.
   */
  FeedbackRecord addFeedback(TenantId tenant, String requestId, String event, Optional<String> docId, double value);

  /**
   * The experiment's running totals, updated in the transaction of each impression and feedback
   * (so reading them costs the same however many events there are); empty when the tenant has no
   * such experiment.
   */
  Optional<ExperimentTotals> totals(TenantId tenant, String experimentId);

  /** The impressions of an experiment, oldest first. */
  List<ImpressionRecord> impressions(TenantId tenant, String experimentId);

  /** The feedback on an experiment's impressions, oldest first. */
  List<FeedbackRecord> feedback(TenantId tenant, String experimentId);
}
