-- Running totals of experiments (issue 10): the report reads these rows instead of replaying every
-- impression and feedback event, so its cost does not grow with the experiment's traffic. Each
-- impression and feedback write updates them in its own transaction. Per feedback event the arm it
-- was credited to (credited_arm), per interleaved impression the entries of its distinct clicked
-- documents each arm contributed (credit_first, credit_second): what a later event needs to know to
-- count a clicked impression or an outcome once. Existing events are replayed into these after the
-- script (Migrations: ExperimentTotalsBackfill).

ALTER TABLE experiment_feedback ADD COLUMN credited_arm TEXT;
ALTER TABLE experiment_impressions ADD COLUMN credit_first BIGINT NOT NULL DEFAULT 0;
ALTER TABLE experiment_impressions ADD COLUMN credit_second BIGINT NOT NULL DEFAULT 0;
CREATE INDEX experiment_feedback_of_request ON experiment_feedback (tenant_id, request_id, event, doc_id);

CREATE TABLE experiment_arm_totals (
  tenant_id TEXT NOT NULL,
  experiment_id TEXT NOT NULL,
  arm TEXT NOT NULL,
  impressions BIGINT NOT NULL,
  clicks BIGINT NOT NULL,
  clicked_impressions BIGINT NOT NULL,
  ratings BIGINT NOT NULL,
  rating_sum DOUBLE PRECISION NOT NULL,
  rating_m2 DOUBLE PRECISION NOT NULL,
  dwells BIGINT NOT NULL,
  dwell_sum DOUBLE PRECISION NOT NULL,
  dwell_m2 DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (tenant_id, experiment_id, arm),
  FOREIGN KEY (tenant_id, experiment_id) REFERENCES experiments (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE experiment_outcomes (
  tenant_id TEXT NOT NULL,
  experiment_id TEXT NOT NULL,
  wins BIGINT NOT NULL,
  losses BIGINT NOT NULL,
  ties BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, experiment_id),
  FOREIGN KEY (tenant_id, experiment_id) REFERENCES experiments (tenant_id, id) ON DELETE CASCADE
);
