package dev.quarry.server.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.index.Filter;
import dev.quarry.core.search.Hit;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.SearchResponse;
import dev.quarry.engine.Collection;
import dev.quarry.experiment.ExperimentReport;
import dev.quarry.experiment.Impression;
import dev.quarry.experiment.TeamDraft;
import dev.quarry.experiment.TrafficSplit;
import dev.quarry.server.evaluation.RankingConfiguration;
import dev.quarry.store.experiment.Experiment;
import dev.quarry.store.experiment.ExperimentStore;
import dev.quarry.store.experiment.ExperimentTotals;
import dev.quarry.store.experiment.ImpressionRecord;
import dev.quarry.store.tenant.TenantId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Searches under a collection's running experiment, and what the experiment's impressions and
 * feedback say.
 *
 * <p>Enrollment: a search is enrolled when an experiment runs on its collection, it carries the id
 * the experiment assigns by ({@code user} or {@code session_id}) and it sets none of the ranking
 * fields ({@code mode}, {@code fusion}, {@code vector_weight}, {@code complete}, {@code rerank}, {@code feedback}):
 * a request that pins its ranking is served as asked. An {@code ab} experiment ranks an enrolled search with the
 * arm the unit's hash falls in ({@link TrafficSplit}); an {@code interleave} experiment ranks it
 * with both arms and merges the rankings by team draft ({@link TeamDraft}), the coin seeded by the
 * unit and the query, so a unit's pages of one query agree. Each enrolled response is recorded as
 * an impression under its request id, with the documents returned (and their teams).
 */
public final class Experiments {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ExperimentStore store;

  public Experiments(ExperimentStore store) {
    this.store = store;
  }

  public ExperimentStore store() {
    return store;
  }

  /** What a search asks besides its ranking: who asks, and whether it pins its own ranking (which fields). */
  public record Asker(Optional<String> user, Optional<String> session, List<String> pinned) {
    public Asker {
      user = user == null ? Optional.empty() : user;
      session = session == null ? Optional.empty() : session;
      pinned = List.copyOf(pinned);
    }
  }

  /** A returned hit and, when interleaved, the arm that contributed it. */
  public record ServedHit(Hit hit, Optional<String> arm) {}

  /** A search's result: its hits, the generation, the fingerprint, why it degraded, and the experiment part. */
  public record Served(List<ServedHit> hits, long generation, String fingerprint, Optional<String> degraded,
      Optional<Map<String, Object>> experiment) {}

  /**
   * Runs a search of {@code collection} ({@code tenant}'s {@code name}) with {@code configuration},
   * or with the running experiment's arms when the search is enrolled, recording its impression
   * under {@code requestId}.
   */
  public Served search(TenantId tenant, String name, Collection collection, RankingConfiguration configuration,
      String query, int k, int offset, Optional<Filter> filter, boolean explain, Asker asker, String requestId) {
    Optional<Experiment> running = store.running(tenant, name);
    if (running.isEmpty()) {
      return plain(collection, configuration.request(query, k, offset, filter, explain), Optional.empty());
    }
    Experiment e = running.get();
    ExperimentSpec spec = spec(e);
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", e.id());
    view.put("name", e.name());
    view.put("kind", spec.kind().wireName());
    Optional<String> unit = spec.assignBy() == ExperimentSpec.AssignBy.USER ? asker.user() : asker.session();
    String reason = null;
    if (!asker.pinned().isEmpty()) {
      reason = "the search sets its own ranking (" + String.join(", ", asker.pinned()) + ")";
    } else if (unit.isEmpty()) {
      reason = "the experiment assigns by " + (spec.assignBy() == ExperimentSpec.AssignBy.USER ? "user" : "session_id")
          + " and the search has none";
    }
    if (reason != null) {
      view.put("enrolled", false);
      view.put("reason", reason);
      return plain(collection, configuration.request(query, k, offset, filter, explain), Optional.of(view));
    }
    String unitHash = TrafficSplit.unitHash(e.id(), unit.get());
    view.put("enrolled", true);
    if (spec.kind() == ExperimentSpec.Kind.AB) {
      ExperimentSpec.Arm arm = spec.arm(spec.split().assign(e.id(), unit.get()));
      SearchRequest request = arm.configuration().request(query, k, offset, filter, explain);
      view.put("arm", arm.name());
      view.put("fingerprint", collection.fingerprint(request));
      Served served = plain(collection, request, Optional.of(view));
      record(tenant, requestId, e, Optional.of(arm.name()), unitHash, served.hits());
      return served;
    }
    ExperimentSpec.Arm a = spec.arms().get(0);
    ExperimentSpec.Arm b = spec.arms().get(1);
    SearchRequest ra = a.configuration().request(query, offset + k, 0, filter, explain);
    SearchRequest rb = b.configuration().request(query, offset + k, 0, filter, explain);
    SearchResponse sa = collection.search(ra);
    SearchResponse sb = collection.search(rb);
    Map<String, Hit> hitsA = byDocument(sa);
    Map<String, Hit> hitsB = byDocument(sb);
    long seed = Long.parseUnsignedLong(TrafficSplit.unitHash(e.id(), unit.get() + "\u0000" + query).substring(0, 16), 16);
    List<TeamDraft.Pick> picks = TeamDraft.interleave(new ArrayList<>(hitsA.keySet()), new ArrayList<>(hitsB.keySet()),
        offset + k, seed);
    List<ServedHit> hits = new ArrayList<>();
    for (TeamDraft.Pick p : picks.subList(Math.min(offset, picks.size()), picks.size())) {
      boolean fromA = p.team() == TeamDraft.Team.A;
      hits.add(new ServedHit((fromA ? hitsA : hitsB).get(p.docId()), Optional.of(fromA ? a.name() : b.name())));
    }
    Map<String, Object> fingerprints = new LinkedHashMap<>();
    fingerprints.put(a.name(), collection.fingerprint(ra));
    fingerprints.put(b.name(), collection.fingerprint(rb));
    view.put("fingerprints", fingerprints);
    Optional<String> degraded = sa.degraded().or(sb::degraded);
    Served served = new Served(hits, Math.max(sa.generation(), sb.generation()), collection.fingerprint(ra), degraded,
        Optional.of(view));
    record(tenant, requestId, e, Optional.empty(), unitHash, hits);
    return served;
  }

  private static Map<String, Hit> byDocument(SearchResponse response) {
    Map<String, Hit> out = new LinkedHashMap<>();
    for (Hit h : response.hits()) {
      out.putIfAbsent(h.chunk().documentId(), h);
    }
    return out;
  }

  private static Served plain(Collection collection, SearchRequest request, Optional<Map<String, Object>> view) {
    SearchResponse response = collection.search(request);
    List<ServedHit> hits = response.hits().stream().map(h -> new ServedHit(h, Optional.empty())).toList();
    return new Served(hits, response.generation(), collection.fingerprint(request), response.degraded(), view);
  }

  private void record(TenantId tenant, String requestId, Experiment e, Optional<String> arm, String unitHash,
      List<ServedHit> hits) {
    List<Map<String, Object>> shown = new ArrayList<>();
    for (ServedHit h : hits) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("doc", h.hit().chunk().documentId());
      h.arm().ifPresent(x -> m.put("arm", x));
      shown.add(m);
    }
    try {
      store.recordImpression(tenant, requestId, e.id(), arm, unitHash, JSON.writeValueAsString(shown));
    } catch (ConflictException ex) {
      // the caller reused its X-Request-Id: the first response under it keeps the impression
    } catch (IOException ex) {
      throw new IllegalStateException("cannot write an impression", ex);
    }
  }

  /** The experiment's definition as stored. */
  public static ExperimentSpec spec(Experiment e) {
    JsonNode arms = read(e.arms());
    return new ExperimentSpec(e.name(), e.collection(), ExperimentSpec.Kind.valueOf(e.kind().toUpperCase(Locale.ROOT)),
        ExperimentSpec.AssignBy.valueOf(e.assignBy().toUpperCase(Locale.ROOT)), ExperimentSpec.arms(arms));
  }

  /** The documents of an impression and their arms. */
  public static List<Impression.Shown> shown(ImpressionRecord r) {
    List<Impression.Shown> out = new ArrayList<>();
    for (JsonNode s : read(r.shown())) {
      out.add(new Impression.Shown(s.get("doc").asText(),
          s.hasNonNull("arm") ? Optional.of(s.get("arm").asText()) : Optional.empty()));
    }
    return out;
  }

  /**
   * The report of an experiment over everything recorded for it, from its running totals (the same
   * numbers a replay of every event gives, at a cost independent of how many there are).
   */
  public ExperimentReport report(TenantId tenant, Experiment e) {
    ExperimentSpec spec = spec(e);
    ExperimentTotals totals = store.totals(tenant, e.id())
        .orElseThrow(() -> new NotFoundException("experiment '" + e.id() + "' does not exist"));
    Map<String, ExperimentReport.ArmTotals> arms = new HashMap<>();
    totals.arms().forEach((arm, t) -> arms.put(arm, new ExperimentReport.ArmTotals(t.impressions(), t.clicks(),
        t.clickedImpressions(), t.ratings(), t.ratingSum(), t.ratingSquaredDeviations(), t.dwells(), t.dwellSum(),
        t.dwellSquaredDeviations())));
    return ExperimentReport.of(spec.arms().stream().map(ExperimentSpec.Arm::name).toList(),
        spec.kind() == ExperimentSpec.Kind.INTERLEAVE, arms, totals.wins(), totals.losses(), totals.ties());
  }

  /** The documents of an impression, for checking feedback against it. */
  public static Map<String, Optional<String>> documents(ImpressionRecord r) {
    Map<String, Optional<String>> out = new HashMap<>();
    shown(r).forEach(s -> out.put(s.docId(), s.arm()));
    return out;
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException ex) {
      throw new IllegalStateException("a stored experiment is unreadable", ex);
    }
  }
}
