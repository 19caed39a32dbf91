package dev.quarry.lucene;

/**
 * Names of the Lucene fields a chunk index writes. System fields start with {@code _}; metadata
 * fields start with {@code m.} followed by a type tag, so a metadata key can never collide with a
 * system field nor a text key with a number key of the same name (Lucene requires one schema per
 * field name).
 *
 * <p>Each indexed document is one block of Lucene documents: one per chunk ({@link #KIND_CHUNK})
 * and one record ({@link #KIND_DOCUMENT}) that holds the content hash, so an empty document is
 * still known and documents can be counted without looking at chunks.
 */
final class IndexFields {

  /** Keyword: {@link #KIND_CHUNK} or {@link #KIND_DOCUMENT}. */
  static final String KIND = "_kind";

  static final String KIND_CHUNK = "chunk";
  static final String KIND_DOCUMENT = "document";

  /** Keyword and sorted doc values: the document id, on every Lucene document of a block. */
  static final String DOC_ID = "_doc";

  /** Keyword: the chunk id ({@code documentId#ordinal}), on chunks. */
  static final String CHUNK_ID = "_chunk";

  /** Numeric doc values and stored: the chunk's ordinal; with {@link #DOC_ID} it rebuilds the id. */
  static final String ORDINAL = "_ord";

  /** Analyzed, not stored: title and chunk text together, the one BM25 field. */
  static final String CONTENTS = "_contents";

  /** Stored only. */
  static final String TITLE = "_title";
  static final String TEXT = "_text";
  static final String START = "_start";
  static final String END = "_end";
  static final String PAGE = "_page";
  /** Stored, one value per heading, outermost first. */
  static final String HEADING = "_heading";
  /** Stored: the document's metadata as typed JSON (see {@link MetadataJson}). */
  static final String METADATA = "_meta";
  /** Stored on the document record: {@link dev.quarry.core.document.Document#contentHash()}. */
  static final String CONTENT_HASH = "_hash";

  /** The chunk's vector (HNSW graph plus raw floats). */
  static final String VECTOR = "_vector";

  private static final String TEXT_PREFIX = "m.t.";
  private static final String NUMBER_PREFIX = "m.n.";
  private static final String DATE_PREFIX = "m.d.";
  private static final String BOOL_PREFIX = "m.b.";

  private IndexFields() {}

  /** Keyword field of a text or text-list metadata key. */
  static String metadataText(String key) {
    return TEXT_PREFIX + key;
  }

  /** Double point field of a number metadata key. */
  static String metadataNumber(String key) {
    return NUMBER_PREFIX + key;
  }

  /** Long point field (epoch milliseconds) of a date metadata key. */
  static String metadataDate(String key) {
    return DATE_PREFIX + key;
  }

  /** Keyword field ({@code true} or {@code false}) of a boolean metadata key. */
  static String metadataBool(String key) {
    return BOOL_PREFIX + key;
  }
}
