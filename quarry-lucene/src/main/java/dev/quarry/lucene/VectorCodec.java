package dev.quarry.lucene;

import dev.quarry.core.index.VectorEncoding;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.StoredFieldsFormat;
import org.apache.lucene.codecs.compressing.CompressionMode;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.codecs.lucene90.compressing.Lucene90CompressingStoredFieldsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

/**
 * Lucene's default codec with two changes, registered as {@value #NAME} (see {@code
 * META-INF/services/org.apache.lucene.codecs.Codec}; segments written before it, under {@code
 * Lucene103}, stay readable):
 *
 * <ul>
 *   <li>The vector format is chosen by the index's {@link VectorEncoding}: {@link
 *       VectorEncoding#INT8} (default) is {@link Lucene99HnswScalarQuantizedVectorsFormat}, an HNSW
 *       graph over 7-bit scalar-quantised vectors (Lucene's "int8"; one byte per dimension), with
 *       the raw float32 vectors kept beside them, which the vector retriever uses to rescore its
 *       candidates exactly; {@link VectorEncoding#FLOAT32} is {@link Lucene99HnswVectorsFormat}. A
 *       segment records each field's vector format by name, so reading needs no settings.
 *   <li>Stored fields are compressed in blocks of at most {@value #STORED_BLOCK_BYTES} bytes and
 *       {@value #STORED_BLOCK_DOCS} documents, not Lucene's 80 KiB / 1024 documents: a search
 *       loads the stored text of its page of hits, one block per hit, and decompressing 80 KiB per
 *       hit was a tenth of a search's CPU besides the embedding (JFR, {@code ./quarry bench load}).
 *       The price is a little less compression of the stored text.
 * </ul>
 */
public final class VectorCodec extends FilterCodec {

  /** The codec's name, written in every segment it writes. */
  public static final String NAME = "Quarry103";

  static final int STORED_BLOCK_BYTES = 8 * 1024;
  static final int STORED_BLOCK_DOCS = 32;

  /** Format name written for INT8 indexes (recorded in {@code manifest.json}). */
  static final String INT8_FORMAT = "Lucene99HnswScalarQuantizedVectorsFormat(bits=7)";

  /** Format name written for FLOAT32 indexes (recorded in {@code manifest.json}). */
  static final String FLOAT32_FORMAT = "Lucene99HnswVectorsFormat";

  private static final StoredFieldsFormat STORED = new Lucene90CompressingStoredFieldsFormat(
      "QuarryStoredFieldsSmallBlocks", CompressionMode.FAST, STORED_BLOCK_BYTES, STORED_BLOCK_DOCS, 10);

  /** For Lucene's codec lookup when reading: vector formats are then found by the names segments record. */
  public VectorCodec() {
    this(VectorEncoding.INT8, HnswConfig.DEFAULT);
  }

  VectorCodec(VectorEncoding encoding, HnswConfig hnsw) {
    super(NAME, new Lucene103Codec() {
      private final KnnVectorsFormat vectors = switch (encoding) {
        case INT8 -> new Lucene99HnswScalarQuantizedVectorsFormat(hnsw.maxConn(), hnsw.beamWidth());
        case FLOAT32 -> new Lucene99HnswVectorsFormat(hnsw.maxConn(), hnsw.beamWidth());
      };

      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return vectors;
      }
    });
  }

  static String formatName(VectorEncoding encoding) {
    return switch (encoding) {
      case INT8 -> INT8_FORMAT;
      case FLOAT32 -> FLOAT32_FORMAT;
    };
  }

  @Override
  public StoredFieldsFormat storedFieldsFormat() {
    return STORED;
  }
}
