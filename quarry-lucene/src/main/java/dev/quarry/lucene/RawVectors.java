package dev.quarry.lucene;

import dev.quarry.core.error.StorageException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.util.VectorUtil;

/**
 * Exact dot products against the raw float32 vectors Lucene keeps beside the (quantised) HNSW
 * graph. Used to rescore approximate candidates, so reported scores are exact whatever the
 * encoding.
 */
final class RawVectors {

  private RawVectors() {}

  /** {@code query · vector(docs[i])} for each global doc id, in the order given. */
  static float[] dotProducts(IndexSearcher searcher, int[] docs, float[] query) throws IOException {
    float[] out = new float[docs.length];
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    Integer[] byDoc = new Integer[docs.length];
    for (int i = 0; i < byDoc.length; i++) {
      byDoc[i] = i;
    }
    Arrays.sort(byDoc, (a, b) -> Integer.compare(docs[a], docs[b]));
    int currentLeaf = -1;
    LeafReaderContext leaf = null;
    FloatVectorValues values = null;
    KnnVectorValues.DocIndexIterator iterator = null;
    for (int i : byDoc) {
      int leafIndex = ReaderUtil.subIndex(docs[i], leaves);
      if (leafIndex != currentLeaf) {
        currentLeaf = leafIndex;
        leaf = leaves.get(leafIndex);
        values = leaf.reader().getFloatVectorValues(IndexFields.VECTOR);
        iterator = values == null ? null : values.iterator();
      }
      int local = docs[i] - leaf.docBase;
      if (iterator == null || iterator.advance(local) != local) {
        throw new StorageException("hit " + docs[i] + " has no vector to rescore");
      }
      out[i] = VectorUtil.dotProduct(query, values.vectorValue(iterator.index()));
    }
    return out;
  }
}
