package dev.quarry.server.api;

import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.FusionMethod;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.server.ServerConfig;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.store.Store;
import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.collection.SettingsJson;

/**
 * A collection's search defaults, set with {@code PUT /v1/collections/{collection}} (field {@code
 * search}) and applied to every search of the collection that leaves the field out. Unlike the
 * chunker and model they can change at any time. Absent fields fall back to the server's defaults:
 * hybrid, k 10, weighted fusion with vector weight 0.6 (chosen on SciFact's train split), no score
 * completion ({@code complete}: see {@link Fusion#complete()}), no re-ranking ({@code rerank}: see
 * {@link RerankBody}), no vector feedback ({@code feedback}: see {@link VectorFeedbackBody}).
 */
public record SearchDefaults(SearchMode mode, Integer k, FusionMethod fusion, Double vectorWeight, Boolean complete,
    RerankBody rerank, VectorFeedbackBody feedback) {

  public static final SearchDefaults NONE = new SearchDefaults(null, null, null, null, null, null, null);

  /** The defaults kept in a collection's stored settings (field {@code search}), or {@link #NONE}. */
  static SearchDefaults of(Store store, CollectionKey key, JsonCodec json) {
    return store.collections().find(key).map(r -> {
      try {
        com.fasterxml.jackson.databind.JsonNode search = json.tree(r.settings().json()).get("search");
        return search == null || search.isNull() ? NONE : json.read(search.toString(), SearchDefaults.class);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("stored settings of collection " + key + " are unreadable", e);
      }
    }).orElse(NONE);
  }

  /** Stores {@code defaults} in the collection's settings, keeping the rest of them. */
  static void store(Store store, CollectionKey key, SearchDefaults defaults, JsonCodec json) {
    try {
      com.fasterxml.jackson.databind.node.ObjectNode settings = (com.fasterxml.jackson.databind.node.ObjectNode)
          json.tree(store.collections().find(key).map(r -> r.settings().json()).orElse("{}"));
      settings.set("search", json.tree(new String(json.write(defaults), java.nio.charset.StandardCharsets.UTF_8)));
      store.collections().put(key, SettingsJson.of(settings.toString()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot write the settings of collection " + key, e);
    }
  }

  /** The effective defaults as the API shows them. */
  java.util.Map<String, Object> view() {
    Fusion f = fusion(null, null, null, "/search");
    java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("mode", mode(null).name().toLowerCase(java.util.Locale.ROOT));
    out.put("k", k(null));
    out.put("fusion", f.method().name().toLowerCase(java.util.Locale.ROOT));
    out.put("vector_weight", f.vectorWeight());
    out.put("complete", f.complete());
    rerank(null).ifPresent(r -> out.put("rerank",
        java.util.Map.of("reranker", r.reranker(), "depth", r.depth(), "weight", r.weight())));
    feedback(null).ifPresent(fb -> out.put("feedback", java.util.Map.of("docs", fb.docs(), "weight", fb.weight())));
    return out;
  }

  /** Checks the values against the limits, pointing at {@code pointer}'s fields. */
  SearchDefaults validated(ServerConfig.Limits limits, String pointer) {
    if (k != null && (k < 1 || k > limits.maxK())) {
      throw ApiException.invalidAt(pointer + "/k", "k must be in 1.." + limits.maxK() + ", got: " + k);
    }
    fusion(null, null, null, pointer);
    if (rerank != null) {
      rerank.resolve(pointer + "/rerank");
    }
    if (feedback != null) {
      feedback.resolve(pointer + "/feedback");
    }
    return this;
  }

  /** The re-ranking of a request: its own {@code rerank} first, then these defaults; none by default. */
  java.util.Optional<dev.quarry.core.search.Rerank> rerank(RerankBody requested) {
    if (requested != null) {
      return requested.resolve("/rerank");
    }
    return rerank == null ? java.util.Optional.empty() : rerank.resolve("/search/rerank");
  }

  /** The vector feedback of a request: its own {@code feedback} first, then these defaults; none by default. */
  java.util.Optional<dev.quarry.core.search.VectorFeedback> feedback(VectorFeedbackBody requested) {
    if (requested != null) {
      return requested.resolve("/feedback");
    }
    return feedback == null ? java.util.Optional.empty() : feedback.resolve("/search/feedback");
  }

  SearchMode mode(SearchMode requested) {
    return requested != null ? requested : mode != null ? mode : SearchMode.HYBRID;
  }

  int k(Integer requested) {
    return requested != null ? requested : k != null ? k : 10;
  }

  /**
   * The fusion for a request: its own method, weight and completion first, then these defaults (a
   * request that names its method takes none of the defaults' weight or completion), then the
   * server's. A weight out of range is refused at {@code pointer}'s {@code /vector_weight},
   * completion of a fusion that has none (rrf, learned) at its {@code /complete}.
   */
  Fusion fusion(FusionMethod requestedMethod, Double requestedWeight, Boolean requestedComplete, String pointer) {
    Fusion d = SearchRequest.DEFAULT_FUSION;
    FusionMethod method = requestedMethod != null ? requestedMethod : fusion != null ? fusion : d.method();
    Double weight = requestedWeight != null ? requestedWeight
        : requestedMethod == null && vectorWeight != null ? vectorWeight
        : null;
    double w = weight != null ? weight : method == d.method() ? d.vectorWeight() : Fusion.rrf().vectorWeight();
    Fusion f;
    try {
      f = new Fusion(method, w, d.rankConstant());
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidAt(pointer + "/vector_weight", e.getMessage());
    }
    Boolean on = requestedComplete != null ? requestedComplete
        : requestedMethod == null && complete != null ? complete
        : null;
    try {
      return on == null ? f : f.withComplete(on);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidAt(pointer + "/complete", e.getMessage());
    }
  }
}
