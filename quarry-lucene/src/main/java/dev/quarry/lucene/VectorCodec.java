package dev.quarry.lucene;

import dev.quarry.core.index.VectorEncoding;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

/**
 * Lucene's default codec with the vector format chosen by the index's {@link VectorEncoding}.
 *
 * <ul>
 *   <li>{@link VectorEncoding#INT8} (default): {@link Lucene99HnswScalarQuantizedVectorsFormat},
 *       an HNSW graph over 7-bit scalar-quantised vectors (Lucene's "int8"; one byte per
 *       dimension). The raw float32 vectors are kept beside them, which the vector retriever uses
 *       to rescore its candidates exactly.
 *   <li>{@link VectorEncoding#FLOAT32}: {@link Lucene99HnswVectorsFormat}, HNSW over the raw floats.
 * </ul>
 *
 * <p>The codec keeps the name {@code Lucene103}: segments record each field's vector format by its
 * own name, so a reader needs no custom codec on its classpath.
 */
final class VectorCodec extends Lucene103Codec {

  /** Format name written for INT8 indexes (recorded in {@code manifest.json}). */
  static final String INT8_FORMAT = "Lucene99HnswScalarQuantizedVectorsFormat(bits=7)";

  /** Format name written for FLOAT32 indexes (recorded in {@code manifest.json}). */
  static final String FLOAT32_FORMAT = "Lucene99HnswVectorsFormat";

  private final KnnVectorsFormat vectors;

  VectorCodec(VectorEncoding encoding, HnswConfig hnsw) {
    this.vectors = switch (encoding) {
      case INT8 -> new Lucene99HnswScalarQuantizedVectorsFormat(hnsw.maxConn(), hnsw.beamWidth());
      case FLOAT32 -> new Lucene99HnswVectorsFormat(hnsw.maxConn(), hnsw.beamWidth());
    };
  }

  static String formatName(VectorEncoding encoding) {
    return switch (encoding) {
      case INT8 -> INT8_FORMAT;
      case FLOAT32 -> FLOAT32_FORMAT;
    };
  }

  @Override
  public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
    return vectors;
  }
}
