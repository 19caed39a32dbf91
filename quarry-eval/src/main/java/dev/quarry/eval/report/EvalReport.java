package dev.quarry.eval.report;

import java.util.List;

/**
 * The outcome of evaluating one or more modes on one split of a dataset. Serialised by {@link
 * EvalReportJson}, shown by {@link ReportTable}.
 */
public record EvalReport(String dataset, String split, List<ModeResult> results) {
  public EvalReport {
    if (dataset == null || dataset.isBlank()) {
      throw new IllegalArgumentException("dataset must not be blank");
    }
    if (split == null || split.isBlank()) {
      throw new IllegalArgumentException("split must not be blank");
    }
    results = List.copyOf(results);
  }
}
