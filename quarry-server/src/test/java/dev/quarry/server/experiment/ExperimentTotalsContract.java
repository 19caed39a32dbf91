package dev.quarry.server.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.experiment.ExperimentReport;
import dev.quarry.experiment.Feedback;
import dev.quarry.experiment.Impression;
import dev.quarry.experiment.Interval;
import dev.quarry.experiment.ReplayedReport;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.experiment.Experiment;
import dev.quarry.store.experiment.ExperimentStore;
import dev.quarry.store.experiment.FeedbackRecord;
import dev.quarry.store.experiment.ImpressionRecord;
import dev.quarry.store.experiment.NewExperiment;
import dev.quarry.store.tenant.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The report from running totals equals the report replayed from every event ({@link
 * ReplayedReport}, the computation before the totals) on seeded random events: A/B and interleaved
 * experiments, repeated clicks, clicks on documents not shown or without one, arms the experiment
 * does not have, documents shown twice or without an arm, ratings of the whole response, checked
 * after every few events. Counts must be equal; means and their intervals equal to 1e-9 (the
 * totals keep a running sum of squared deviations where the replay made two passes). Run on SQLite
 * and PostgreSQL.
 */
abstract class ExperimentTotalsContract {

  private static final String ARMS = "[{\"name\":\"a\",\"weight\":1.0,\"configuration\":{}},"
      + "{\"name\":\"b\",\"weight\":2.0,\"configuration\":{}}]";
  private static final String THREE_ARMS = "[{\"name\":\"a\",\"weight\":1.0,\"configuration\":{}},"
      + "{\"name\":\"b\",\"weight\":1.0,\"configuration\":{}},{\"name\":\"c\",\"weight\":1.0,\"configuration\":{}}]";

  abstract Store open(StoreOptions options);

  Store store;
  Experiments experiments;
  TenantId tenant;
  long tick;

  @BeforeEach
  void openStore() {
    // every event a millisecond after the last: the replay's order (oldest first) is the write order
    Clock clock = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.parse("2026-03-01T10:00:00Z").plusMillis(tick++);
      }
    };
    store = open(StoreOptions.defaults().withClock(clock));
    experiments = new Experiments(store.experiments());
    tenant = store.tenants().create(TenantId.of("acme")).id();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void anInterleavedExperimentsReportEqualsTheReplayedOne() {
    for (long seed : new long[] {1, 2, 3}) {
      Experiment e = store.experiments().create(tenant, new NewExperiment("mix" + seed, "c" + seed, "interleave", "user",
          ARMS));
      play(e, true, List.of("a", "b"), new SplittableRandom(seed), 600);
    }
  }

  @Test
  void anAbExperimentsReportEqualsTheReplayedOne() {
    for (long seed : new long[] {4, 5}) {
      Experiment e = store.experiments().create(tenant, new NewExperiment("ab" + seed, "c" + seed, "ab", "user",
          THREE_ARMS));
      play(e, false, List.of("a", "b", "c"), new SplittableRandom(seed), 600);
    }
  }

  private void play(Experiment e, boolean interleaved, List<String> arms, SplittableRandom random, int events) {
    ExperimentStore s = store.experiments();
    List<String> requests = new ArrayList<>();
    List<List<String>> docs = new ArrayList<>();
    for (int n = 0; n < events; n++) {
      if (requests.isEmpty() || random.nextInt(3) == 0) {
        String request = e.id() + "-r" + n;
        StringBuilder shown = new StringBuilder("[");
        List<String> shownDocs = new ArrayList<>();
        int size = random.nextInt(6);
        for (int d = 0; d < size; d++) {
          String doc = "d" + random.nextInt(8); // a document may be shown twice
          shown.append(d == 0 ? "" : ",").append("{\"doc\":\"").append(doc).append('"');
          if (interleaved && random.nextInt(10) > 0) {
            shown.append(",\"arm\":\"").append(random.nextInt(12) == 0 ? "z" : arms.get(random.nextInt(2))).append('"');
          }
          shown.append('}');
          shownDocs.add(doc);
        }
        Optional<String> arm = interleaved ? Optional.empty()
            : Optional.of(random.nextInt(10) == 0 ? "z" : arms.get(random.nextInt(arms.size())));
        s.recordImpression(tenant, request, e.id(), arm, "h" + random.nextInt(20), shown.append(']').toString());
        requests.add(request);
        docs.add(shownDocs);
      } else {
        int i = random.nextInt(requests.size());
        Optional<String> doc = docs.get(i).isEmpty() || random.nextInt(10) == 0
            ? (random.nextBoolean() ? Optional.empty() : Optional.of("unshown"))
            : Optional.of(docs.get(i).get(random.nextInt(docs.get(i).size())));
        switch (random.nextInt(5)) {
          case 0, 1 -> s.addFeedback(tenant, requests.get(i), "click", doc, 1);
          case 2 -> s.addFeedback(tenant, requests.get(i), "rating", doc, random.nextInt(11) / 2.0);
          case 3 -> s.addFeedback(tenant, requests.get(i), "rating", doc, random.nextDouble() * 5);
          default -> s.addFeedback(tenant, requests.get(i), "dwell", doc, random.nextInt(86_400_000));
        }
      }
      if (n % 37 == 0 || n == events - 1) {
        assertAgree(replayed(e, interleaved, arms), experiments.report(tenant, e), "after event " + n);
      }
    }
    ExperimentReport last = experiments.report(tenant, e);
    assertTrue(last.arms().stream().allMatch(a -> a.clicks() > 0 && a.ratings() > 1 && a.dwells() > 1), last.toString());
    last.preference().ifPresent(p -> assertTrue(p.wins() > 0 && p.losses() > 0 && p.ties() > 0, p.toString()));
  }

  /** The report as it was computed before the totals: from every stored event. */
  private ExperimentReport replayed(Experiment e, boolean interleaved, List<String> arms) {
    List<Impression> impressions = new ArrayList<>();
    for (ImpressionRecord r : store.experiments().impressions(tenant, e.id())) {
      impressions.add(new Impression(r.requestId(), r.arm(), Experiments.shown(r)));
    }
    List<Feedback> feedback = new ArrayList<>();
    for (FeedbackRecord f : store.experiments().feedback(tenant, e.id())) {
      feedback.add(new Feedback(f.requestId(), Feedback.Event.valueOf(f.event().toUpperCase(Locale.ROOT)), f.docId(),
          f.value()));
    }
    return ReplayedReport.of(arms, interleaved, impressions, feedback);
  }

  private static void assertAgree(ExperimentReport expected, ExperimentReport actual, String when) {
    assertEquals(expected.arms().size(), actual.arms().size(), when);
    for (int i = 0; i < expected.arms().size(); i++) {
      ExperimentReport.ArmReport x = expected.arms().get(i);
      ExperimentReport.ArmReport y = actual.arms().get(i);
      String where = when + ", arm " + x.arm();
      assertEquals(List.of(x.arm(), x.impressions(), x.clicks(), x.clickedImpressions(), x.ratings(), x.dwells()),
          List.of(y.arm(), y.impressions(), y.clicks(), y.clickedImpressions(), y.ratings(), y.dwells()), where);
      assertEquals(x.ctr(), y.ctr(), where);
      assertClose(x.rating(), y.rating(), where + " rating");
      assertClose(x.dwellMs(), y.dwellMs(), where + " dwell");
    }
    assertEquals(expected.preference(), actual.preference(), when);
  }

  private static void assertClose(Interval x, Interval y, String where) {
    assertEquals(x.method(), y.method(), where);
    double[] a = {x.estimate(), x.low(), x.high()};
    double[] b = {y.estimate(), y.low(), y.high()};
    for (int i = 0; i < 3; i++) {
      if (Double.isNaN(a[i]) || Double.isNaN(b[i])) {
        assertEquals(Double.isNaN(a[i]), Double.isNaN(b[i]), where + ": " + x + " vs " + y);
      } else {
        assertEquals(a[i], b[i], 1e-9 * Math.max(1, Math.abs(a[i])), where + ": " + x + " vs " + y);
      }
    }
  }
}
