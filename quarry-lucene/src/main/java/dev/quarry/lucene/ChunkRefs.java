package dev.quarry.lucene;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.error.StorageException;
import dev.quarry.core.search.ScoredChunkRef;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.IndexSearcher;

/**
 * Turns Lucene hits into {@link ScoredChunkRef}s by reading the document id and ordinal from doc
 * values (column-stride, no stored-field decompression), visiting hits in doc-id order as doc
 * values require and returning them in rank order.
 */
final class ChunkRefs {

  private ChunkRefs() {}

  /** {@code docs[i]} (global doc ids) scored {@code scores[i]}; the result keeps that order. */
  static List<ScoredChunkRef> resolve(IndexSearcher searcher, int[] docs, float[] scores)
      throws IOException {
    ScoredChunkRef[] refs = new ScoredChunkRef[docs.length];
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    Integer[] byDoc = new Integer[docs.length];
    for (int i = 0; i < byDoc.length; i++) {
      byDoc[i] = i;
    }
    Arrays.sort(byDoc, (a, b) -> Integer.compare(docs[a], docs[b]));
    int currentLeaf = -1;
    SortedDocValues ids = null;
    NumericDocValues ordinals = null;
    LeafReaderContext leaf = null;
    for (int i : byDoc) {
      int leafIndex = ReaderUtil.subIndex(docs[i], leaves);
      if (leafIndex != currentLeaf) {
        currentLeaf = leafIndex;
        leaf = leaves.get(leafIndex);
        ids = DocValues.getSorted(leaf.reader(), IndexFields.DOC_ID);
        ordinals = DocValues.getNumeric(leaf.reader(), IndexFields.ORDINAL);
      }
      int local = docs[i] - leaf.docBase;
      if (!ids.advanceExact(local) || !ordinals.advanceExact(local)) {
        throw new StorageException("hit " + docs[i] + " is not a chunk: it has no document id or ordinal");
      }
      String documentId = ids.lookupOrd(ids.ordValue()).utf8ToString();
      int ordinal = (int) ordinals.longValue();
      refs[i] = new ScoredChunkRef(Chunk.id(documentId, ordinal), documentId, scores[i]);
    }
    return List.of(refs);
  }
}
