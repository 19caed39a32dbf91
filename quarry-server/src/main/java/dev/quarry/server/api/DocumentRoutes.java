package dev.quarry.server.api;

import static dev.quarry.server.tenancy.TenantCollections.caller;
import static dev.quarry.server.tenancy.TenantCollections.named;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.chunk.ChunkingStrategy;
import dev.quarry.core.document.Document;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.index.Filter;
import dev.quarry.core.index.IndexManifest;
import dev.quarry.core.index.IndexStats;
import dev.quarry.core.index.StoredChunk;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.FusionMethod;
import dev.quarry.core.search.Grouping;
import dev.quarry.core.search.Hit;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.SearchResponse;
import dev.quarry.engine.Collection;
import dev.quarry.engine.Quarry;
import dev.quarry.engine.collection.CollectionSettings;
import dev.quarry.engine.ingest.DocumentSource;
import dev.quarry.engine.ingest.IngestReport;
import dev.quarry.engine.ingest.ProgressListener;
import dev.quarry.server.ServerConfig;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.error.ServerErrorCode;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.Request;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.metrics.Metrics;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.store.key.ApiKey;
import dev.quarry.store.key.Scope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * A collection's documents, in the calling key's tenant.
 *
 * <p>Freshness: every write is synchronous in this slice. The engine commits and refreshes at the
 * end of each ingest and each delete, so a write is visible to the next search when it returns,
 * whether or not {@code ?refresh=wait_for} is given. Writes to one collection are serialised.
 */
public final class DocumentRoutes {

  record UpsertDocument(String title, String text, JsonNode metadata) {}

  private static final int MAX_DOCUMENT_ID = 256;

  private final TenantCollections collections;
  private final Metrics metrics;

  /** Routes that report documents indexed to {@code metrics}. */
  public DocumentRoutes(TenantCollections collections, Metrics metrics) {
    this.collections = collections;
    this.metrics = java.util.Objects.requireNonNull(metrics, "metrics");
  }

  public void register(Router router) {
    Access ingest = Access.scope(Scope.INGEST);
    Access search = Access.scope(Scope.SEARCH);
    router.route("PUT", "/v1/collections/{collection}/documents/{id}", ingest, (r, k) -> upsert(r, named(r, k)));
    router.route("GET", "/v1/collections/{collection}/documents/{id}", search, (r, k) -> getDocument(r, named(r, k)));
    router.route("DELETE", "/v1/collections/{collection}/documents/{id}", ingest, (r, k) -> deleteDocument(r, named(r, k)));
  }

  private Collection existing(TenantCollection c) {
    return collections.existing(c);
  }

  private Response upsert(Request r, TenantCollection c) throws IOException {
    refresh(r);
    String id = documentId(r);
    Collection collection = existing(c);
    UpsertDocument body = r.body(UpsertDocument.class);
    if (body.text() == null) {
      throw ApiException.invalidAt("/text", "a document needs text");
    }
    Document doc = Document.of(id, body.title(), body.text(), MetadataJson.read(body.metadata(), "/metadata"));
    IngestReport report;
    synchronized (collection) {
      report = collection.ingest(single(doc), ProgressListener.NONE);
    }
    if (!report.rejected().isEmpty()) {
      throw new InvalidInputException("document '" + id + "' was rejected: " + report.rejected().getFirst().reason());
    }
    if (report.unchanged() == 0) {
      metrics.documentsIndexed(1);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("status", report.unchanged() > 0 ? "unchanged" : "indexed");
    out.put("chunks", report.chunks());
    out.put("generation", report.generation() >= 0 ? report.generation() : collection.stats().generation());
    return Response.ok(out);
  }

  private Response getDocument(Request r, TenantCollection c) {
    documentId(r);
    existing(c);
    throw ApiException.of(ServerErrorCode.NOT_IMPLEMENTED,
        "reading a document back is not served yet: the engine has no document lookup (issue 3)");
  }

  private Response deleteDocument(Request r, TenantCollection c) {
    refresh(r);
    String id = documentId(r);
    Collection collection = existing(c);
    boolean existed;
    synchronized (collection) {
      existed = collection.delete(id);
    }
    if (!existed) {
      throw new NotFoundException("document '" + id + "' does not exist in collection '" + c.name() + "'");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("deleted", true);
    out.put("generation", collection.stats().generation());
    return Response.ok(out);
  }

  private static void refresh(Request r) {
    Optional<String> refresh = r.query("refresh");
    if (refresh.isPresent() && !List.of("wait_for", "true", "false").contains(refresh.get())) {
      throw new InvalidInputException("refresh must be wait_for, true or false, got: '" + refresh.get() + "'");
    }
  }

  private static String documentId(Request r) {
    String id = r.path("id");
    String rule = "the document id in the path must be 1-" + MAX_DOCUMENT_ID + " characters without control characters";
    if (id.isBlank() || id.length() > MAX_DOCUMENT_ID) {
      throw new InvalidInputException(rule + ", got " + id.length() + (id.isBlank() ? " blank" : "") + " characters");
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        throw new InvalidInputException(rule + ", got control character U+"
            + String.format("%04X", (int) id.charAt(i)) + " at position " + i);
      }
    }
    return id;
  }

  private static DocumentSource single(Document doc) {
    return new DocumentSource() {
      @Override
      public long totalBytes() {
        return 0;
      }

      @Override
      public void emit(Consumer<ParseOutcome> sink, LongConsumer bytesRead) {
        sink.accept(new ParseOutcome.Parsed(doc));
      }
    };
  }

}
