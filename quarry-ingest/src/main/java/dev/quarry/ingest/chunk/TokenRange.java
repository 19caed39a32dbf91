package dev.quarry.ingest.chunk;

/** Tokens {@code [from, to)} of a {@link TokenizedText}: one planned chunk. */
record TokenRange(int from, int to) {
  TokenRange {
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("invalid token range [" + from + ", " + to + ")");
    }
  }

  int size() {
    return to - from;
  }
}
