package dev.quarry.engine.collection;

import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.index.VectorEncoding;
import java.util.Objects;

/** What a collection is built with. Fixed at creation; recorded in the index manifest. */
public record CollectionSettings(String model, ChunkerConfig chunker, VectorEncoding encoding) {

  /** bge-small-en-v1.5 int8, recursive chunking at the model's full length, int8 HNSW. */
  public static final CollectionSettings DEFAULT =
      new CollectionSettings("bge-small-en-v1.5-q", ChunkerConfig.DEFAULT, VectorEncoding.INT8);

  public CollectionSettings {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(chunker, "chunker");
    Objects.requireNonNull(encoding, "encoding");
  }
}
