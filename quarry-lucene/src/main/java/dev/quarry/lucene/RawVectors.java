package dev.quarry.lucene;

import dev.quarry.core.error.StorageException;
import java.io.IOException;
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
          throw new StorageException("hit " + docs[index] + " has no vector to rescore");
        }
        out[index] = ExactDot.dotProduct(query, values.vectorValue(iterator.index()));
      }
    });
    return out;
  }

  /** A copy of the raw vector of each global doc id, in the order given. */
  static float[][] vectors(IndexSearcher searcher, int[] docs) throws IOException {
    float[][] out = new float[docs.length][];
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
          throw new StorageException("chunk " + docs[index] + " has no vector");
        }
        out[index] = values.vectorValue(iterator.index()).clone();
      }
    });
    return out;
  }
}
