package dev.quarry.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quarry.experiment.Feedback.Event;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExperimentReportTest {

  private static Impression ab(String request, String arm, String... docs) {
    return new Impression(request, Optional.of(arm),
        java.util.Arrays.stream(docs).map(d -> new Impression.Shown(d, Optional.empty())).toList());
  }

  private static Feedback click(String request, String doc) {
    return new Feedback(request, Event.CLICK, Optional.of(doc), 1);
  }

  @Test
  void abArmsCountImpressionsClicksRatingsAndDwell() {
    List<Impression> impressions = List.of(ab("r1", "a", "d1", "d2"), ab("r2", "a", "d1"), ab("r3", "b", "d3"),
        ab("r4", "b", "d3"));
    List<Feedback> feedback = List.of(click("r1", "d1"), click("r1", "d2"), click("r3", "d3"), click("r4", "d3"),
        new Feedback("r1", Event.RATING, Optional.empty(), 4), new Feedback("r2", Event.RATING, Optional.empty(), 2),
        new Feedback("r3", Event.DWELL, Optional.of("d3"), 3000), click("unknown", "d1"));
    ExperimentReport report = ReplayedReport.of(List.of("a", "b"), false, impressions, feedback);
    ExperimentReport.ArmReport a = report.arms().get(0);
    assertEquals(2, a.impressions());
    assertEquals(2, a.clicks());
    assertEquals(1, a.clickedImpressions());
    assertEquals(Interval.wilson(1, 2), a.ctr());
    assertEquals(2, a.ratings());
    assertEquals(3.0, a.rating().estimate());
    ExperimentReport.ArmReport b = report.arms().get(1);
    assertEquals(2, b.clickedImpressions());
    assertEquals(1.0, b.ctr().estimate());
    assertEquals(3000.0, b.dwellMs().estimate());
    assertEquals(Optional.empty(), report.preference());
  }

  @Test
  void interleavedClicksAreCreditedByTeamAndImpressionsComparedByCredit() {
    Impression i1 = new Impression("r1", Optional.empty(), List.of(new Impression.Shown("x", Optional.of("a")),
        new Impression.Shown("y", Optional.of("b"))));
    Impression i2 = new Impression("r2", Optional.empty(), List.of(new Impression.Shown("y", Optional.of("b")),
        new Impression.Shown("x", Optional.of("a"))));
    Impression i3 = new Impression("r3", Optional.empty(), List.of(new Impression.Shown("x", Optional.of("a")),
        new Impression.Shown("y", Optional.of("b"))));
    Impression i4 = new Impression("r4", Optional.empty(), List.of(new Impression.Shown("x", Optional.of("a"))));
    List<Feedback> feedback = List.of(click("r1", "x"), click("r1", "x"), click("r2", "y"), click("r3", "x"),
        click("r3", "y"), new Feedback("r2", Event.RATING, Optional.empty(), 5));
    ExperimentReport report = ReplayedReport.of(List.of("a", "b"), true, List.of(i1, i2, i3, i4), feedback);
    assertEquals(4, report.arms().get(0).impressions());
    assertEquals(3, report.arms().get(0).clicks(), "x clicked twice in r1 and once in r3");
    assertEquals(2, report.arms().get(0).clickedImpressions());
    assertEquals(0, report.arms().get(1).ratings(), "a rating without a document credits no team");
    ExperimentReport.Preference p = report.preference().orElseThrow();
    assertEquals(List.of(1L, 1L, 1L, 1L), List.of(p.wins(), p.losses(), p.ties(), p.noClick()));
    assertEquals(Interval.wilson(1, 2), p.winRate());
  }

  @Test
  void theReportFromRunningTotalsIsTheReplayedOne() {
    List<Impression> impressions = List.of(ab("r1", "a", "d1", "d2"), ab("r2", "a", "d1"), ab("r3", "b", "d3"));
    List<Feedback> feedback = List.of(click("r1", "d1"), click("r1", "d2"), click("r3", "d3"),
        new Feedback("r1", Event.RATING, Optional.empty(), 4), new Feedback("r2", Event.RATING, Optional.empty(), 2),
        new Feedback("r3", Event.DWELL, Optional.of("d3"), 3000));
    Map<String, ExperimentReport.ArmTotals> totals = Map.of(
        "a", new ExperimentReport.ArmTotals(2, 2, 1, 2, 6, 2, 0, 0, 0),
        "b", new ExperimentReport.ArmTotals(1, 1, 1, 0, 0, 0, 1, 3000, 0));
    assertEquals(ReplayedReport.of(List.of("a", "b", "c"), false, impressions, feedback),
        ExperimentReport.of(List.of("a", "b", "c"), false, totals, 0, 0, 0), "an arm without totals has none");
  }

  @Test
  void interleavedTotalsGiveThePreferenceAndRefuseMoreOutcomesThanImpressions() {
    Map<String, ExperimentReport.ArmTotals> totals = Map.of(
        "a", new ExperimentReport.ArmTotals(4, 3, 2, 0, 0, 0, 0, 0, 0),
        "b", new ExperimentReport.ArmTotals(4, 2, 2, 0, 0, 0, 0, 0, 0));
    ExperimentReport.Preference p = ExperimentReport.of(List.of("a", "b"), true, totals, 1, 1, 1).preference()
        .orElseThrow();
    assertEquals(new ExperimentReport.Preference("a", "b", 1, 1, 1, 1, Interval.wilson(1, 2)), p);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExperimentReport.of(List.of("a", "b"), true, totals, 3, 1, 1));
    assertEquals("wins, losses and ties must be counts within the 4 impressions, got: 3, 1, 1", e.getMessage());
  }
}
