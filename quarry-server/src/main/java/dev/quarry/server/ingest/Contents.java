package dev.quarry.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.engine.Quarry;
import dev.quarry.server.api.MetadataJson;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.store.document.DocumentContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Document content between the API, the store and the engine. A document sent as JSON (title, text,
 * metadata) is kept as {@value #DOCUMENT_JSON}; an uploaded file is kept as it came, with its media
 * type and file name, and parsed by the engine's parser for that file type when it is ingested (its
 * parse stage). Either way the store holds exactly what was acknowledged.
 */
public final class Contents {

  /** The media type of a document given as JSON fields. */
  public static final String DOCUMENT_JSON = "application/vnd.quarry.document+json";

  private final JsonCodec json;
  private final Quarry engine;

  public Contents(JsonCodec json, Quarry engine) {
    this.json = json;
    this.engine = engine;
  }

  /** The stored form of a document given as fields. */
  public DocumentContent fromFields(String title, String text, Metadata metadata) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("title", title == null ? "" : title);
    body.put("text", text);
    body.put("metadata", MetadataJson.write(metadata));
    return DocumentContent.of(DOCUMENT_JSON, json.write(body));
  }

  /**
   * Why the engine would reject a document given as fields, checked before anything is stored so
   * that a rejected write changes nothing: no text (empty or only whitespace), or more text than
   * the engine indexes per document. Empty when it is acceptable.
   */
  public Optional<String> problem(Document document) {
    if (document.text().isBlank()) {
      return Optional.of("a document needs text: 'text' is " + (document.text().isEmpty() ? "empty" : "only whitespace"));
    }
    int max = engine.config().limits().maxDocumentChars();
    if (document.text().length() > max) {
      return Optional.of("'text' has " + document.text().length() + " characters, more than the " + max
          + " a document may have");
    }
    return Optional.empty();
  }

  /**
   * Why the engine would reject an uploaded file before parsing it: an empty file, or one larger
   * than the engine reads from one source. Empty when it is acceptable.
   */
  public Optional<String> problem(String fileName, long bytes) {
    if (bytes == 0) {
      return Optional.of("file '" + fileName + "' is empty");
    }
    int max = engine.config().limits().maxSourceBytes();
    if (bytes > max) {
      return Optional.of("file '" + fileName + "' has more than the " + max + " bytes a file may have");
    }
    return Optional.empty();
  }

  /** The content hash the store compares: the engine's for fields, SHA-256 of name and bytes for files. */
  public static String hashOfFile(String fileName, byte[] bytes) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(fileName.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(bytes);
      return "file:" + HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /**
   * Parses stored content into the document {@code id}: fields are read back; a file goes through
   * the parser its name selects, and must hold exactly one document.
   */
  public ParseOutcome parse(String id, DocumentContent content) {
    if (content.mediaType().equals(DOCUMENT_JSON)) {
      try {
        JsonNode node = json.tree(new String(content.body(), StandardCharsets.UTF_8));
        Metadata metadata = MetadataJson.read(node.get("metadata"), "/metadata");
        return new ParseOutcome.Parsed(new Document(id, node.path("title").asText(""), node.path("text").asText(),
            metadata, List.of(), List.of(), id));
      } catch (IOException | RuntimeException e) {
        return new ParseOutcome.Rejected(id, "stored document JSON cannot be read: " + e.getMessage());
      }
    }
    String name = content.fileName().orElse(id);
    List<ParseOutcome> outcomes;
    try {
      outcomes = engine.parse(name, new ByteArrayInputStream(content.body()));
    } catch (IOException e) {
      return new ParseOutcome.Rejected(id, "cannot read file '" + name + "': " + e.getMessage());
    }
    if (outcomes.size() == 1 && outcomes.getFirst() instanceof ParseOutcome.Parsed p) {
      Document d = p.document();
      return new ParseOutcome.Parsed(new Document(id, d.title(), d.text(), d.metadata(), d.headings(), d.pages(), id));
    }
    Optional<String> why = outcomes.stream()
        .filter(o -> o instanceof ParseOutcome.Rejected).map(o -> ((ParseOutcome.Rejected) o).reason()).findFirst();
    return new ParseOutcome.Rejected(id, why.orElse("file '" + name + "' holds " + outcomes.size()
        + " documents; upload one document per file, or send JSONL as application/x-ndjson"));
  }
}
