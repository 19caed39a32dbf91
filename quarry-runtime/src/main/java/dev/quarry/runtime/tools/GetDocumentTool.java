package dev.quarry.runtime.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.chat.ToolSpec;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.index.StoredChunk;
import dev.quarry.runtime.retrieve.RetrievedChunk;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The built-in {@code get_document} tool: a stored document's text (its first {@link #MAX_CHARS}
 * characters) from a collection of the caller's tenant, as one passage the answer can cite.
 */
public final class GetDocumentTool implements Tool {

  public static final String NAME = "get_document";
  public static final int MAX_CHARS = 20_000;
  static final String SCHEMA = """
      {"type":"object","properties":{
        "collection":{"type":"string","minLength":1},
        "document_id":{"type":"string","minLength":1}},
       "required":["collection","document_id"],"additionalProperties":false}""";
  public static final ToolSpec SPEC = new ToolSpec(NAME, "Read a document of the caller's collections by its id "
      + "(as search results name it); returns it as a numbered passage to cite.", SCHEMA);

  private final DocumentLookup documents;

  public GetDocumentTool(DocumentLookup documents) {
    this.documents = Objects.requireNonNull(documents, "documents");
  }

  @Override
  public ToolSpec spec() {
    return SPEC;
  }

  @Override
  public ToolOutput call(JsonNode arguments, Instant deadline) {
    String collection = arguments.path("collection").asText();
    String id = arguments.path("document_id").asText();
    String text = documents.text(collection, id)
        .orElseThrow(() -> new ToolException("there is no document " + id + " in collection " + collection));
    String shown = text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text;
    StoredChunk whole = new StoredChunk(id + "#document", id, 0, "", shown, 0, shown.length(), 0, List.of(),
        Metadata.empty());
    return ToolOutput.passages(List.of(new RetrievedChunk(collection, whole, 1.0)));
  }
}
