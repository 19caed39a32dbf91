package dev.quarry.ingest.parse;

/**
 * Size limits every parser enforces, so one oversized input cannot exhaust memory or flood the
 * embedder.
 *
 * <p>Two limits, because they protect different things: {@code maxSourceBytes} bounds what is read
 * into memory from one source (a whole file for text, Markdown, HTML and PDF; one line for JSONL),
 * and reading stops as soon as it is exceeded; {@code maxDocumentChars} bounds the text a parser
 * produces for one document (what the chunker and embedder will see), whatever the format. A PDF
 * full of images can be large in bytes yet small in text, and an HTML page mostly markup, which is
 * why the text limit is counted in characters after parsing.
 */
public record IngestLimits(int maxSourceBytes, int maxDocumentChars) {

  /** 64 MiB per source, 5 million characters per document. */
  public static final IngestLimits DEFAULT = new IngestLimits(64 * 1024 * 1024, 5_000_000);

  /** The largest byte array the JVM reliably allocates. */
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  public IngestLimits {
    if (maxSourceBytes < 1 || maxSourceBytes > MAX_ARRAY) {
      throw new IllegalArgumentException(
          "maxSourceBytes must be in [1, " + MAX_ARRAY + "], got: " + maxSourceBytes);
    }
    if (maxDocumentChars < 1) {
      throw new IllegalArgumentException(
          "maxDocumentChars must be at least 1, got: " + maxDocumentChars);
    }
  }
}
