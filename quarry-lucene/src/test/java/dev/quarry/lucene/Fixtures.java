package dev.quarry.lucene;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.document.Document;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.index.IndexManifest;
import dev.quarry.core.index.VectorEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test data: manifests, chunks cut from a document's text, and seeded unit vectors. */
final class Fixtures {

  private Fixtures() {}

  static EmbeddingModelInfo model(String id, int dimension) {
    return new EmbeddingModelInfo(id, dimension, 512, Similarity.DOT_PRODUCT, "", "");
  }

  static IndexManifest manifest(int dimension) {
    return IndexManifest.of(model("test-embedder", dimension), VectorEncoding.INT8, ChunkerConfig.DEFAULT);
  }

  /** Chunks of {@code document} split at the given offsets, each on page 1 with no headings. */
  static List<Chunk> chunks(Document document, int... cuts) {
    List<Chunk> out = new ArrayList<>();
    int start = 0;
    int ordinal = 0;
    int[] ends = new int[cuts.length + 1];
    System.arraycopy(cuts, 0, ends, 0, cuts.length);
    ends[cuts.length] = document.text().length();
    for (int end : ends) {
      String text = document.text().substring(start, end);
      out.add(new Chunk(document.id(), ordinal++, text, start, end, 0, List.of(), text));
      start = end;
    }
    return out;
  }

  static Chunk chunk(Document document, int ordinal, int start, int end, int page, List<String> headings) {
    String text = document.text().substring(start, end);
    return new Chunk(document.id(), ordinal, text, start, end, page, headings, text);
  }

  static float[] unit(Random random, int dimension) {
    float[] v = new float[dimension];
    double norm = 0;
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    return scale(v, norm);
  }

  /** A unit vector near {@code base}: base plus Gaussian noise of the given spread, normalised. */
  static float[] near(Random random, float[] base, double spread) {
    float[] v = new float[base.length];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (base[i] + spread * random.nextGaussian());
      norm += v[i] * v[i];
    }
    return scale(v, norm);
  }

  static float[][] units(Random random, int count, int dimension) {
    float[][] out = new float[count][];
    for (int i = 0; i < count; i++) {
      out[i] = unit(random, dimension);
    }
    return out;
  }

  private static float[] scale(float[] v, double squaredNorm) {
    float inv = (float) (1 / Math.sqrt(squaredNorm));
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
    return v;
  }
}
