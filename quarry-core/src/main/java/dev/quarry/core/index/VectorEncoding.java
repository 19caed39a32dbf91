package dev.quarry.core.index;

/** How HNSW vectors are stored: int8 scalar-quantised (default) or full float32. */
public enum VectorEncoding {
  INT8,
  FLOAT32
}
