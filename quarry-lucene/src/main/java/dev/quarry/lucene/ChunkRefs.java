package dev.quarry.lucene;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.error.StorageException;
import dev.quarry.core.search.ScoredChunkRef;
import java.io.IOException;
import java.util.List;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
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
    LeafOrder.visit(searcher, docs, new LeafOrder.Visitor() {
      private SortedDocValues ids;
      private NumericDocValues ordinals;

      @Override
      public void leaf(LeafReaderContext leaf) throws IOException {
        ids = DocValues.getSorted(leaf.reader(), IndexFields.DOC_ID);
        ordinals = DocValues.getNumeric(leaf.reader(), IndexFields.ORDINAL);
      }

      @Override
      public void hit(int index, int local) throws IOException {
        if (!ids.advanceExact(local) || !ordinals.advanceExact(local)) {
          throw new StorageException("hit " + docs[index] + " is not a chunk: it has no document id or ordinal");
        }
        String documentId = ids.lookupOrd(ids.ordValue()).utf8ToString();
        refs[index] = new ScoredChunkRef(Chunk.id(documentId, (int) ordinals.longValue()), documentId, scores[index]);
      }
    });
    return List.of(refs);
  }
}
