package dev.quarry.lucene;

import dev.quarry.core.error.StorageException;
import java.io.IOException;
import java.util.Locale;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.IndexSearcher;

/**
 * Exact dot products against the raw float32 vectors Lucene keeps beside the (quantised) HNSW
 * graph. Used to rescore approximate candidates, so reported scores are exact whatever the
 * encoding, and the same bits in every run ({@link ExactDot}).
 */
final class RawVectors {

  private RawVectors() {}

  /** {@code query · vector(docs[i])} for each global doc id, in the order given. */
  static float[] dotProducts(IndexSearcher searcher, int[] docs, float[] query) throws IOException {
    float[] out = new float[docs.length];
    visit(searcher, docs, "hit %d has no vector to rescore",
        (index, values, ord) -> out[index] = ExactDot.dotProduct(query, values.vectorValue(ord)));
    return out;
  }

  /** A copy of the raw vector of each global doc id, in the order given. */
  static float[][] vectors(IndexSearcher searcher, int[] docs) throws IOException {
    float[][] out = new float[docs.length][];
    visit(searcher, docs, "chunk %d has no vector",
        (index, values, ord) -> out[index] = values.vectorValue(ord).clone());
    return out;
  }

  /** What to do with the {@code index}-th doc's vector, at {@code ord} in its leaf's {@code values}. */
  @FunctionalInterface
  private interface VectorHit {
    void accept(int index, FloatVectorValues values, int ord) throws IOException;
  }

  /** Visits each doc's raw vector leaf by leaf; a doc without one fails with {@code missing} (its id). */
  private static void visit(IndexSearcher searcher, int[] docs, String missing, VectorHit hit) throws IOException {
    LeafOrder.visit(searcher, docs, new LeafOrder.Visitor() {
      private FloatVectorValues values;
      private KnnVectorValues.DocIndexIterator iterator;

      @Override
      public void leaf(LeafReaderContext leaf) throws IOException {
        values = leaf.reader().getFloatVectorValues(IndexFields.VECTOR);
        iterator = values == null ? null : values.iterator();
      }

      @Override
      public void hit(int index, int local) throws IOException {
        if (iterator == null || iterator.advance(local) != local) {
          throw new StorageException(String.format(Locale.ROOT, missing, docs[index]));
        }
        hit.accept(index, values, iterator.index());
      }
    });
  }
}
