package dev.quarry.lucene;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.IndexSearcher;

/**
 * Visits hits (global doc ids, in rank order) segment by segment in increasing doc id order, as doc
 * values and vector iterators require, telling each visit the hit's position in the caller's array
 * so results can be written back in rank order.
 */
final class LeafOrder {

  interface Visitor {
    /** The following hits are in {@code leaf}. */
    void leaf(LeafReaderContext leaf) throws IOException;

    /** Hit {@code index} of the caller's array is doc {@code localDoc} of the current leaf. */
    void hit(int index, int localDoc) throws IOException;
  }

  private LeafOrder() {}

  static void visit(IndexSearcher searcher, int[] docs, Visitor visitor) throws IOException {
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    Integer[] byDoc = new Integer[docs.length];
    for (int i = 0; i < byDoc.length; i++) {
      byDoc[i] = i;
    }
    Arrays.sort(byDoc, (a, b) -> Integer.compare(docs[a], docs[b]));
    int currentLeaf = -1;
    LeafReaderContext leaf = null;
    for (int i : byDoc) {
      int leafIndex = ReaderUtil.subIndex(docs[i], leaves);
      if (leafIndex != currentLeaf) {
        currentLeaf = leafIndex;
        leaf = leaves.get(leafIndex);
        visitor.leaf(leaf);
      }
      visitor.hit(i, docs[i] - leaf.docBase);
    }
  }
}
