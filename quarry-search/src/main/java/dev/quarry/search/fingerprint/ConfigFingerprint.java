package dev.quarry.search.fingerprint;

import dev.quarry.core.index.IndexManifest;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * The configuration a ranking came from, as one short string: the index's embedding model,
 * dimension, similarity, vector encoding, chunker and format (its manifest), and the request's mode,
 * fusion (hybrid only; a learned fusion's model by its fingerprint; score completion when on), grouping, candidate depth, re-ranking and vector feedback (when on, vector and hybrid only), plus {@link #RANKING_VERSION}. Two
 * rankings with the same fingerprint over the same index generation are the same ranking, whether
 * they came from {@code quarry eval}, an evaluation job or {@code POST .../search}. The query, k,
 * offset, filter and explain are not part of it: they ask a configuration a question, they do not
 * change how it ranks.
 *
 * <p>The value is {@code "q1-"} and the first 16 hex digits of the SHA-256 of {@link #components}'
 * canonical text ({@code key=value} lines in this order).
 */
public final class ConfigFingerprint {

  /**
   * Bumped whenever code changes how a configuration ranks (BM25 parameters, analyzer,
   * normalisation, tie-breaking), so that a fingerprint names a ranking function, not only its knobs.
   */
  public static final int RANKING_VERSION = 1;

  private ConfigFingerprint() {}

  /** The fingerprint of ranking {@code request} over an index built as {@code manifest} says. */
  public static String of(IndexManifest manifest, SearchRequest request) {
    return hash(components(manifest, request));
  }

  /** What the fingerprint covers, in canonical order, as the API's explanation of it. */
  public static Map<String, String> components(IndexManifest manifest, SearchRequest request) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("ranking_version", Integer.toString(RANKING_VERSION));
    c.put("index_format", Integer.toString(manifest.formatVersion()));
    c.put("model", manifest.embedderId());
    c.put("dimension", Integer.toString(manifest.dimension()));
    c.put("similarity", lower(manifest.similarity().name()));
    c.put("vectors", lower(manifest.vectorEncoding().name()));
    c.put("chunker", manifest.chunker().describe());
    c.put("mode", lower(request.mode().name()));
    if (request.mode() == SearchMode.HYBRID) {
      Fusion f = request.fusion();
      c.put("fusion", lower(f.method().name()) + "/vector_weight=" + f.vectorWeight() + "/rank_constant=" + f.rankConstant()
          + f.model().map(m -> "/model=" + m.fingerprint()).orElse("")
          // only when on, so that every fingerprint from before completion existed stays as it was
          + (f.complete() ? "/complete=on" : ""));
    }
    c.put("grouping", lower(request.grouping().name()));
    c.put("candidates", Integer.toString(request.candidates()));
    c.put("rerank", request.rerank()
        .map(r -> r.reranker() + "/depth=" + r.depth() + "/weight=" + r.weight())
        .orElse("none"));
    // only when on (and where it acts: a vector list to refine), so that every fingerprint from
    // before feedback existed stays as it was
    if (request.mode() != SearchMode.LEXICAL) {
      request.feedback().ifPresent(f -> c.put("feedback", "docs=" + f.docs() + "/weight=" + f.weight()));
    }
    return c;
  }

  /**
   * One fingerprint for several collections' fingerprints (a chat over several collections):
   * the hash of their {@code name=fingerprint} lines in name order.
   */
  public static String combine(SortedMap<String, String> byCollection) {
    if (byCollection.size() == 1) {
      return byCollection.values().iterator().next();
    }
    return hash(byCollection);
  }

  private static String hash(Map<String, String> components) {
    StringBuilder text = new StringBuilder();
    components.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return "q1-" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
