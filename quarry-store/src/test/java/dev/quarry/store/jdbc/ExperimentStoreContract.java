package dev.quarry.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.store.PageRequest;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.TestClock;
import dev.quarry.store.experiment.Experiment;
import dev.quarry.store.experiment.ExperimentStore;
import dev.quarry.store.experiment.ExperimentTotals;
import dev.quarry.store.experiment.FeedbackRecord;
import dev.quarry.store.experiment.ImpressionRecord;
import dev.quarry.store.experiment.NewExperiment;
import dev.quarry.store.tenant.TenantId;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every store does with experiments, impressions and feedback; run on SQLite and PostgreSQL. */
abstract class ExperimentStoreContract {

  abstract Store open(StoreOptions options);

  TestClock clock;
  Store store;
  ExperimentStore experiments;
  TenantId acme;
  TenantId rival;

  @BeforeEach
  void openStore() {
    clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    store = open(StoreOptions.defaults().withClock(clock));
    experiments = store.experiments();
    acme = store.tenants().create(TenantId.of("acme")).id();
    rival = store.tenants().create(TenantId.of("rival")).id();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private Experiment start(TenantId tenant, String name, String collection) {
    return experiments.create(tenant, new NewExperiment(name, collection, "ab", "user", "[{\"name\":\"a\"}]"));
  }

  @Test
  void anExperimentRunsUntilStoppedAndOnlyOneRunsPerCollection() {
    Experiment e = start(acme, "first", "docs");
    assertTrue(e.running());
    assertEquals(e, experiments.find(acme, e.id()).orElseThrow());
    assertEquals(Optional.of(e), experiments.running(acme, "docs"));
    assertEquals(Optional.empty(), experiments.running(acme, "other"));
    ConflictException twice = assertThrows(ConflictException.class, () -> start(acme, "second", "docs"));
    assertTrue(twice.getMessage().contains(e.id()), twice.getMessage());
    Experiment elsewhere = start(rival, "theirs", "docs");
    assertTrue(elsewhere.running(), "another tenant's collection of the same name is another collection");

    assertFalse(experiments.stop(rival, e.id()), "another tenant cannot stop it");
    clock.advance(Duration.ofMinutes(5));
    assertTrue(experiments.stop(acme, e.id()));
    assertFalse(experiments.stop(acme, e.id()), "already stopped");
    Experiment stopped = experiments.find(acme, e.id()).orElseThrow();
    assertFalse(stopped.running());
    assertEquals(Optional.of(e.createdAt().plus(Duration.ofMinutes(5))), stopped.stoppedAt());
    assertEquals(Optional.empty(), experiments.running(acme, "docs"));
    Experiment next = start(acme, "second", "docs");
    assertEquals(Optional.of(next), experiments.running(acme, "docs"));
    assertThrows(NotFoundException.class, () -> start(TenantId.of("nobody"), "x", "docs"));
  }

  @Test
  void experimentsListNewestFirstPerTenant() {
    Experiment first = start(acme, "one", "a");
    clock.advance(Duration.ofSeconds(1));
    Experiment second = start(acme, "two", "b");
    clock.advance(Duration.ofSeconds(1));
    Experiment third = start(acme, "three", "c");
    var page = experiments.list(acme, PageRequest.first(2));
    assertEquals(List.of(third.id(), second.id()), page.items().stream().map(Experiment::id).toList());
    assertEquals(List.of(first.id()), experiments.list(acme, PageRequest.first(2).next(page)).items().stream()
        .map(Experiment::id).toList());
    assertEquals(List.of(), experiments.list(rival, PageRequest.first(10)).items());
    assertEquals(Optional.empty(), experiments.find(rival, first.id()));
  }

  @Test
  void impressionsAndFeedbackBelongToTheirTenant() {
    Experiment e = start(acme, "exp", "docs");
    ImpressionRecord shown = experiments.recordImpression(acme, "req-1", e.id(), Optional.of("a"), "hash-1",
        "[{\"doc\":\"d1\"}]");
    experiments.recordImpression(acme, "req-2", e.id(), Optional.empty(), "hash-2", "[{\"doc\":\"d2\",\"arm\":\"b\"}]");
    assertEquals(Optional.of(shown), experiments.findImpression(acme, "req-1"));
    assertEquals(Optional.empty(), experiments.findImpression(rival, "req-1"));
    assertThrows(ConflictException.class,
        () -> experiments.recordImpression(acme, "req-1", e.id(), Optional.of("a"), "hash-1", "[]"));
    assertThrows(NotFoundException.class,
        () -> experiments.recordImpression(rival, "req-9", e.id(), Optional.of("a"), "h", "[]"),
        "an impression cannot name another tenant's experiment");

    FeedbackRecord click = experiments.addFeedback(acme, "req-1", "click", Optional.of("d1"), 1);
    clock.advance(Duration.ofSeconds(1));
    FeedbackRecord rating = experiments.addFeedback(acme, "req-2", "rating", Optional.empty(), 4.5);
    assertEquals(e.id(), click.experimentId());
    NotFoundException foreign = assertThrows(NotFoundException.class,
        () -> experiments.addFeedback(rival, "req-1", "click", Optional.of("d1"), 1));
    NotFoundException unknown = assertThrows(NotFoundException.class,
        () -> experiments.addFeedback(rival, "req-unknown", "click", Optional.of("d1"), 1));
    assertEquals(foreign.getMessage().replace("req-1", "X"), unknown.getMessage().replace("req-unknown", "X"),
        "another tenant's request id is refused exactly as an unknown one");

    assertEquals(List.of("req-1", "req-2"), experiments.impressions(acme, e.id()).stream()
        .map(ImpressionRecord::requestId).toList());
    assertEquals(Optional.empty(), experiments.impressions(acme, e.id()).get(1).arm());
    assertEquals(List.of(click, rating), experiments.feedback(acme, e.id()));
    assertEquals(4.5, experiments.feedback(acme, e.id()).get(1).value());
    assertEquals(List.of(), experiments.impressions(rival, e.id()));
    assertEquals(List.of(), experiments.feedback(rival, e.id()));
  }

  @Test
  void deletingATenantDeletesItsExperimentsImpressionsAndFeedback() {
    Experiment e = start(acme, "exp", "docs");
    experiments.recordImpression(acme, "req-1", e.id(), Optional.of("a"), "h", "[]");
    experiments.addFeedback(acme, "req-1", "click", Optional.of("d1"), 1);
    store.tenants().delete(acme);
    assertEquals(Optional.empty(), experiments.find(acme, e.id()));
    assertEquals(List.of(), experiments.impressions(acme, e.id()));
    assertEquals(List.of(), experiments.feedback(acme, e.id()));
  }

  private Experiment interleaved(TenantId tenant, String collection) {
    return experiments.create(tenant, new NewExperiment("mix", collection, "interleave", "user",
        "[{\"name\":\"a\"},{\"name\":\"b\"}]"));
  }

  private ExperimentTotals totals(TenantId tenant, Experiment e) {
    return experiments.totals(tenant, e.id()).orElseThrow();
  }

  @Test
  void totalsOfAnAbExperimentCountEachEventForTheImpressionsArm() {
    Experiment e = experiments.create(acme, new NewExperiment("ab", "docs", "ab", "user",
        "[{\"name\":\"a\"},{\"name\":\"b\"}]"));
    assertEquals(new ExperimentTotals(Map.of(), 0, 0, 0), totals(acme, e), "nothing recorded yet");
    experiments.recordImpression(acme, "r1", e.id(), Optional.of("a"), "h", "[{\"doc\":\"d1\"},{\"doc\":\"d2\"}]");
    experiments.recordImpression(acme, "r2", e.id(), Optional.of("b"), "h", "[{\"doc\":\"d3\"}]");
    experiments.addFeedback(acme, "r1", "click", Optional.of("d1"), 1);
    experiments.addFeedback(acme, "r1", "click", Optional.of("d1"), 1);
    experiments.addFeedback(acme, "r1", "click", Optional.of("d2"), 1);
    experiments.addFeedback(acme, "r1", "rating", Optional.empty(), 4);
    experiments.addFeedback(acme, "r2", "rating", Optional.of("d3"), 2);
    experiments.addFeedback(acme, "r2", "rating", Optional.empty(), 3);
    experiments.addFeedback(acme, "r2", "dwell", Optional.of("d3"), 1000);
    ExperimentTotals t = totals(acme, e);
    assertEquals(new ExperimentTotals.ArmTotals(1, 3, 1, 1, 4, 0, 0, 0, 0), t.arms().get("a"));
    assertEquals(new ExperimentTotals.ArmTotals(1, 0, 0, 2, 5, 0.5, 1, 1000, 0), t.arms().get("b"));
    assertEquals(List.of(0L, 0L, 0L), List.of(t.wins(), t.losses(), t.ties()));
    assertEquals(Optional.empty(), experiments.totals(rival, e.id()), "another tenant's experiment is not found");
  }

  @Test
  void totalsOfAnInterleavedExperimentCreditTeamsAndCountOutcomesOncePerDocument() {
    Experiment e = interleaved(acme, "docs");
    String xy = "[{\"doc\":\"x\",\"arm\":\"a\"},{\"doc\":\"y\",\"arm\":\"b\"}]";
    experiments.recordImpression(acme, "r3", e.id(), Optional.empty(), "h", xy);
    experiments.recordImpression(acme, "r4", e.id(), Optional.empty(), "h", "[{\"doc\":\"x\",\"arm\":\"a\"}]");
    experiments.recordImpression(acme, "r5", e.id(), Optional.empty(), "h", xy);
    experiments.recordImpression(acme, "r6", e.id(), Optional.empty(), "h", xy);
    experiments.addFeedback(acme, "r3", "click", Optional.of("x"), 1);
    assertEquals(1, totals(acme, e).wins(), "r3: a's document clicked");
    experiments.addFeedback(acme, "r3", "click", Optional.of("y"), 1);
    experiments.addFeedback(acme, "r3", "click", Optional.of("y"), 1);
    experiments.addFeedback(acme, "r4", "click", Optional.of("x"), 1);
    experiments.addFeedback(acme, "r6", "click", Optional.of("y"), 1);
    experiments.addFeedback(acme, "r5", "rating", Optional.empty(), 5);
    experiments.addFeedback(acme, "r5", "dwell", Optional.of("y"), 500);
    ExperimentTotals t = totals(acme, e);
    assertEquals(new ExperimentTotals.ArmTotals(4, 2, 2, 0, 0, 0, 0, 0, 0), t.arms().get("a"));
    assertEquals(new ExperimentTotals.ArmTotals(4, 3, 2, 0, 0, 0, 1, 500, 0), t.arms().get("b"),
        "a rating of the whole response credits no arm");
    assertEquals(List.of(1L, 1L, 1L), List.of(t.wins(), t.losses(), t.ties()),
        "r3 tied (y clicked twice counts once), r4 won, r6 lost, r5 had no click");
  }

  @Test
  void theMigrationsBackfillGivesTheTotalsTheWritesKept() {
    Random random = new Random(13);
    Experiment ab = experiments.create(acme, new NewExperiment("ab", "one", "ab", "user",
        "[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}]"));
    Experiment mix = interleaved(acme, "two");
    List<String> requests = new java.util.ArrayList<>();
    for (int n = 0; n < 400; n++) {
      clock.advance(Duration.ofMillis(1 + random.nextInt(3)));
      boolean interleave = random.nextBoolean();
      if (requests.isEmpty() || random.nextInt(3) == 0) {
        String request = "q" + n;
        StringBuilder shown = new StringBuilder("[");
        for (int d = 0; d < 1 + random.nextInt(4); d++) {
          shown.append(d == 0 ? "" : ",").append("{\"doc\":\"d").append(random.nextInt(5)).append('"');
          if (interleave && random.nextInt(8) > 0) {
            shown.append(",\"arm\":\"").append("abz".charAt(random.nextInt(3))).append('"');
          }
          shown.append('}');
        }
        experiments.recordImpression(acme, request, interleave ? mix.id() : ab.id(),
            interleave ? Optional.empty() : Optional.of(String.valueOf("abcz".charAt(random.nextInt(4)))), "h",
            shown.append(']').toString());
        requests.add(request);
      } else {
        String request = requests.get(random.nextInt(requests.size()));
        Optional<String> doc = random.nextInt(6) == 0 ? Optional.empty() : Optional.of("d" + random.nextInt(6));
        switch (random.nextInt(4)) {
          case 0, 1 -> experiments.addFeedback(acme, request, "click", doc, 1);
          case 2 -> experiments.addFeedback(acme, request, "rating", doc, random.nextInt(11) / 2.0);
          default -> experiments.addFeedback(acme, request, "dwell", doc, random.nextInt(100_000));
        }
      }
    }
    ExperimentTotals abKept = totals(acme, ab);
    ExperimentTotals mixKept = totals(acme, mix);
    assertTrue(mixKept.wins() + mixKept.losses() + mixKept.ties() > 0, "the events clicked some documents");
    backfillAfresh();
    assertEquals(abKept, totals(acme, ab));
    assertEquals(mixKept, totals(acme, mix));
    for (String request : List.of(requests.getFirst(), requests.get(1), requests.getLast())) {
      clock.advance(Duration.ofMillis(1));
      experiments.addFeedback(acme, request, "click", Optional.of("d" + random.nextInt(5)), 1);
    }
    ExperimentTotals abLater = totals(acme, ab);
    ExperimentTotals mixLater = totals(acme, mix);
    backfillAfresh();
    assertEquals(abLater, totals(acme, ab), "writes after the backfill build on the state it left");
    assertEquals(mixLater, totals(acme, mix), "writes after the backfill build on the state it left");
  }

  /** Empties the totals and what feedback remembers of them, as before migration 0013, and backfills. */
  private void backfillAfresh() {
    ((JdbcStore) store).database().write("backfilling the totals afresh", c -> {
      try (Statement s = c.createStatement()) {
        s.execute("DELETE FROM experiment_arm_totals");
        s.execute("DELETE FROM experiment_outcomes");
        s.execute("UPDATE experiment_feedback SET credited_arm = NULL");
        s.execute("UPDATE experiment_impressions SET credit_first = 0, credit_second = 0");
      }
      ExperimentTotalsBackfill.run(c);
      return null;
    });
  }

  @Test
  void deletingATenantDeletesItsTotals() {
    Experiment e = interleaved(acme, "docs");
    experiments.recordImpression(acme, "req-1", e.id(), Optional.empty(), "h", "[{\"doc\":\"x\",\"arm\":\"a\"}]");
    experiments.addFeedback(acme, "req-1", "click", Optional.of("x"), 1);
    experiments.addFeedback(acme, "req-1", "dwell", Optional.of("x"), 10);
    store.tenants().delete(acme);
    assertEquals(Optional.empty(), experiments.totals(acme, e.id()));
    long rows = ((JdbcStore) store).database().read("counting totals rows", c -> Jdbc.one(c,
        "SELECT (SELECT COUNT(*) FROM experiment_arm_totals) + (SELECT COUNT(*) FROM experiment_outcomes) AS n",
        rs -> rs.getLong("n")).orElseThrow());
    assertEquals(0, rows);
  }
}
