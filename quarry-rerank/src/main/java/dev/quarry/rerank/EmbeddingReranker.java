package dev.quarry.rerank;

import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.search.RerankCandidate;
import dev.quarry.core.search.RerankOutcome;
import dev.quarry.core.search.Reranker;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Re-scores candidates with a second embedding model: the similarity of the query's vector and each
 * candidate's, both from that model (e5-small-v2 re-scoring bge-small's candidates, for example).
 * Search blends it with the fused score ({@link dev.quarry.core.search.Rerank#weight()}).
 *
 * <p>Cost: one query embedding and one passage embedding per candidate. Given an embedder with the
 * persistent passage cache (the engine's), a passage is embedded once and read back after, so a
 * warm re-rank of 50 candidates costs a short query's embedding and 50 dot products; with the
 * engine's query-vector cache too, {@link #prepare} embeds the query while the first stage
 * retrieves, and {@link #score} finds it cached. A model failure is reported as {@link
 * RerankOutcome.Unavailable}, so search keeps the fused order.
 */
public final class EmbeddingReranker implements Reranker {

  private final Embedder model;

  public EmbeddingReranker(Embedder model) {
    this.model = Objects.requireNonNull(model, "model");
    if (model.info().similarity() != Similarity.DOT_PRODUCT && model.info().similarity() != Similarity.COSINE) {
      throw new IllegalArgumentException(
          "re-ranking model '" + model.info().id() + "' must compare by dot product or cosine, not " + model.info().similarity());
    }
  }

  public String modelId() {
    return model.info().id();
  }

  @Override
  public void prepare(String query) {
    try {
      model.embed(List.of(query), InputKind.QUERY);
    } catch (RuntimeException e) {
      // score() embeds the query again and reports the failure
    }
  }

  @Override
  public RerankOutcome score(String query, List<RerankCandidate> candidates) {
    if (candidates.isEmpty()) {
      return new RerankOutcome.Scored(List.of());
    }
    float[] q;
    float[][] passages;
    try {
      q = model.embed(List.of(query), InputKind.QUERY)[0];
      passages = model.embed(candidates.stream().map(RerankCandidate::text).toList(), InputKind.DOCUMENT);
    } catch (RuntimeException e) {
      return new RerankOutcome.Unavailable("model '" + model.info().id() + "' failed: " + e.getMessage());
    }
    boolean cosine = model.info().similarity() == Similarity.COSINE;
    List<Double> scores = new ArrayList<>(passages.length);
    for (float[] p : passages) {
      scores.add(cosine ? cosine(q, p) : dot(q, p));
    }
    return new RerankOutcome.Scored(scores);
  }

  static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vectors differ in dimension: " + a.length + " and " + b.length);
    }
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  private static double cosine(float[] a, float[] b) {
    double norms = Math.sqrt(dot(a, a) * dot(b, b));
    return norms > 0 ? dot(a, b) / norms : 0;
  }
}
