package dev.quarry.lucene;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.document.Document;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.StorageException;
import dev.quarry.core.index.StoredChunk;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.BytesRef;

/**
 * Maps a document and its chunks to the block of Lucene documents that represents them (see
 * {@link IndexFields}), and a stored chunk document back to a {@link StoredChunk}.
 */
final class ChunkDocuments {

  private ChunkDocuments() {}

  /**
   * The block for {@code document}: one Lucene document per chunk, then the document record.
   * {@code vectors} are already checked and normalised.
   */
  static List<org.apache.lucene.document.Document> block(
      Document document, List<Chunk> chunks, float[][] vectors) {
    requireKeyword("document id", document.id());
    String metadataJson = MetadataJson.write(document.metadata());
    List<org.apache.lucene.document.Document> block = new ArrayList<>(chunks.size() + 1);
    for (int i = 0; i < chunks.size(); i++) {
      block.add(chunk(document, chunks.get(i), vectors[i], metadataJson));
    }
    org.apache.lucene.document.Document record = new org.apache.lucene.document.Document();
    record.add(new StringField(IndexFields.KIND, IndexFields.KIND_DOCUMENT, Field.Store.NO));
    record.add(new StringField(IndexFields.DOC_ID, document.id(), Field.Store.YES));
    // Lucene requires one schema per field name, so the record carries the doc values too.
    record.add(new SortedDocValuesField(IndexFields.DOC_ID, new BytesRef(document.id())));
    record.add(new StoredField(IndexFields.CONTENT_HASH, document.contentHash()));
    block.add(record);
    return block;
  }

  private static org.apache.lucene.document.Document chunk(
      Document document, Chunk chunk, float[] vector, String metadataJson) {
    org.apache.lucene.document.Document d = new org.apache.lucene.document.Document();
    d.add(new StringField(IndexFields.KIND, IndexFields.KIND_CHUNK, Field.Store.NO));
    d.add(new StringField(IndexFields.DOC_ID, document.id(), Field.Store.YES));
    d.add(new SortedDocValuesField(IndexFields.DOC_ID, new BytesRef(document.id())));
    d.add(new StringField(IndexFields.CHUNK_ID, chunk.id(), Field.Store.NO));
    d.add(new NumericDocValuesField(IndexFields.ORDINAL, chunk.ordinal()));
    d.add(new StoredField(IndexFields.ORDINAL, chunk.ordinal()));
    String contents = document.title().isEmpty() ? chunk.text() : document.title() + "\n" + chunk.text();
    d.add(new TextField(IndexFields.CONTENTS, contents, Field.Store.NO));
    d.add(new StoredField(IndexFields.TITLE, document.title()));
    d.add(new StoredField(IndexFields.TEXT, chunk.text()));
    d.add(new StoredField(IndexFields.START, chunk.start()));
    d.add(new StoredField(IndexFields.END, chunk.end()));
    d.add(new StoredField(IndexFields.PAGE, chunk.page()));
    for (String heading : chunk.headingPath()) {
      d.add(new StoredField(IndexFields.HEADING, heading));
    }
    d.add(new StoredField(IndexFields.METADATA, metadataJson));
    for (Map.Entry<String, MetadataValue> entry : document.metadata().values().entrySet()) {
      addMetadata(d, entry.getKey(), entry.getValue());
    }
    d.add(new KnnFloatVectorField(IndexFields.VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
    return d;
  }

  private static void addMetadata(org.apache.lucene.document.Document d, String key, MetadataValue value) {
    switch (value) {
      case MetadataValue.Text t -> {
        requireKeyword("metadata '" + key + "'", t.value());
        d.add(new StringField(IndexFields.metadataText(key), t.value(), Field.Store.NO));
      }
      case MetadataValue.TextList l -> {
        for (String v : l.values()) {
          requireKeyword("metadata '" + key + "'", v);
          d.add(new StringField(IndexFields.metadataText(key), v, Field.Store.NO));
        }
      }
      case MetadataValue.Number n ->
          d.add(new DoublePoint(IndexFields.metadataNumber(key), FilterQueries.normalise(n.value())));
      case MetadataValue.Date date ->
          d.add(new LongPoint(IndexFields.metadataDate(key), date.epochMillis()));
      case MetadataValue.Bool b ->
          d.add(new StringField(IndexFields.metadataBool(key), Boolean.toString(b.value()), Field.Store.NO));
    }
  }

  private static void requireKeyword(String what, String value) {
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > IndexWriter.MAX_TERM_LENGTH) {
      throw new InvalidInputException(
          what + " is " + bytes + " bytes long; exact-match values are limited to "
              + IndexWriter.MAX_TERM_LENGTH + " bytes");
    }
  }

  /** The chunk stored in a chunk document read with all its stored fields. */
  static StoredChunk read(org.apache.lucene.document.Document d) {
    String documentId = require(d, IndexFields.DOC_ID).stringValue();
    int ordinal = intValue(d, IndexFields.ORDINAL);
    List<String> headings = new ArrayList<>();
    for (IndexableField heading : d.getFields(IndexFields.HEADING)) {
      headings.add(heading.stringValue());
    }
    return new StoredChunk(
        Chunk.id(documentId, ordinal),
        documentId,
        ordinal,
        require(d, IndexFields.TITLE).stringValue(),
        require(d, IndexFields.TEXT).stringValue(),
        intValue(d, IndexFields.START),
        intValue(d, IndexFields.END),
        intValue(d, IndexFields.PAGE),
        headings,
        MetadataJson.read(require(d, IndexFields.METADATA).stringValue()));
  }

  private static int intValue(org.apache.lucene.document.Document d, String field) {
    return require(d, field).numericValue().intValue();
  }

  private static IndexableField require(org.apache.lucene.document.Document d, String field) {
    IndexableField f = d.getField(field);
    if (f == null) {
      throw new StorageException("stored chunk is missing field " + field);
    }
    return f;
  }
}
