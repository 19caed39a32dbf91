package dev.quarry.lucene;

/**
 * HNSW settings of a Lucene chunk index.
 *
 * <p>{@code maxConn} (HNSW's M) and {@code beamWidth} (efConstruction) shape the graph when it is
 * built; they are saved in {@code manifest.json} at creation and reused on every open, so all
 * segments of an index share them. {@code efSearch} is the default number of candidates the
 * vector retriever collects from the graph before it rescores them with the raw float vectors and
 * keeps the best k (a retriever asked for more than {@code efSearch} hits collects k); it can be
 * overridden per retriever with {@link LuceneChunkIndex#vector(int)}.
 *
 * <p>Defaults, chosen by measurement ({@code VectorRecallBenchmark}, int8, 384-d, k=10): M=32,
 * beamWidth=100, efSearch=100. On real-embedding-like data efSearch 100 already gives recall@10
 * 1.000 at 100k (and {@code quarry bench synthetic} measures it on vectors derived from SciFact's
 * bge embeddings), for two thirds of the CPU of efSearch 300, which uniform random vectors need. On embedding-like vectors (100k points of a 32-dimensional subspace
 * plus noise) Lucene's own M=16 already reaches recall@10 0.995 at efSearch 100, but on vectors
 * drawn uniformly from the sphere, the hardest case, 10k points need efSearch 400-500 for 0.95
 * with M=16, while M=32 gives 0.94-0.96 at efSearch 200 and 0.98-0.99 at 300. M=32 cost no
 * measurable build time or disk (the graph is small beside the vectors); beamWidth 200 added
 * little recall (0.963 to 0.968 at efSearch 200). The price is query CPU, about 2-2.5x that of
 * M=16/efSearch 100; callers that know their vectors are easy can pass a smaller efSearch.
 */
public record HnswConfig(int maxConn, int beamWidth, int efSearch) {

  /** Lucene's upper bounds for the graph parameters. */
  public static final int MAX_MAX_CONN = 512;

  public static final int MAX_BEAM_WIDTH = 3200;
  public static final int MAX_EF_SEARCH = 10_000;

  public static final HnswConfig DEFAULT = new HnswConfig(32, 100, 100);

  public HnswConfig {
    if (maxConn < 2 || maxConn > MAX_MAX_CONN) {
      throw new IllegalArgumentException(
          "hnsw maxConn must be in 2.." + MAX_MAX_CONN + ", got: " + maxConn);
    }
    if (beamWidth < 1 || beamWidth > MAX_BEAM_WIDTH) {
      throw new IllegalArgumentException(
          "hnsw beamWidth must be in 1.." + MAX_BEAM_WIDTH + ", got: " + beamWidth);
    }
    requireEfSearch(efSearch);
  }

  /** The same graph parameters with another default efSearch. */
  public HnswConfig withEfSearch(int newEfSearch) {
    return new HnswConfig(maxConn, beamWidth, newEfSearch);
  }

  static void requireEfSearch(int efSearch) {
    if (efSearch < 1 || efSearch > MAX_EF_SEARCH) {
      throw new IllegalArgumentException(
          "hnsw efSearch must be in 1.." + MAX_EF_SEARCH + ", got: " + efSearch);
    }
  }
}
