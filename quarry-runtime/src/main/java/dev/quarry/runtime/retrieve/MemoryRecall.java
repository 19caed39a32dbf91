package dev.quarry.runtime.retrieve;

import dev.quarry.core.document.Metadata;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.index.StoredChunk;
import dev.quarry.runtime.assemble.Passage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Recalls an end user's memories for a query: the {@value #LIMIT} most similar (cosine of the
 * query's and the memory's vectors under the memories' model), those at least {@value
 * #MIN_SIMILARITY} similar, best first, as chunks of the {@link Passage#MEMORY} source (the memory's
 * id as document id, its whole text as chunk 0).
 */
public final class MemoryRecall {

  public static final int LIMIT = 3;
  public static final double MIN_SIMILARITY = 0.25;

  private MemoryRecall() {}

  public static List<RetrievedChunk> recall(UserMemories memories, String query) {
    if (memories.notes().isEmpty()) {
      return List.of();
    }
    float[] q = memories.embedder().embed(List.of(query), InputKind.QUERY)[0];
    List<RetrievedChunk> out = new ArrayList<>();
    for (UserMemories.Note n : memories.notes()) {
      if (n.vector().length != q.length) {
        continue; // stored under another model: not comparable
      }
      double similarity = cosine(q, n.vector());
      if (similarity >= MIN_SIMILARITY) {
        out.add(new RetrievedChunk(Passage.MEMORY, new StoredChunk(n.id(), n.id(), 0, "", n.text(), 0,
            n.text().length(), 0, List.of(), Metadata.empty()), similarity));
      }
    }
    out.sort(Comparator.comparingDouble(RetrievedChunk::score).reversed());
    return out.subList(0, Math.min(LIMIT, out.size()));
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
