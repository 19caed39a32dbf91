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
import dev.quarry.store.experiment.FeedbackRecord;
import dev.quarry.store.experiment.ImpressionRecord;
import dev.quarry.store.experiment.NewExperiment;
import dev.quarry.store.tenant.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
}
