package dev.quarry.server.api;

import static dev.quarry.server.tenancy.TenantCollections.named;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.error.StorageException;
import dev.quarry.core.index.Filter;
import dev.quarry.server.ServerConfig;
import dev.quarry.server.config.ConfigSection;
import dev.quarry.server.config.IngestConfig;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.error.ServerErrorCode;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.server.http.Multipart;
import dev.quarry.server.http.Request;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.ingest.Contents;
import dev.quarry.server.ingest.Ingestion;
import dev.quarry.server.ingest.JobWait;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.store.Page;
import dev.quarry.store.Store;
import dev.quarry.store.document.DocumentContent;
import dev.quarry.store.document.DocumentKey;
import dev.quarry.store.document.DocumentRecord;
import dev.quarry.store.document.DocumentState;
import dev.quarry.store.document.DocumentSubmission;
import dev.quarry.store.job.IngestionJob;
import dev.quarry.store.key.Scope;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A collection's documents, in the calling key's tenant: upsert one (synchronous), batch JSONL or
 * multipart uploads (a durable job, 202), get with ingestion state, list, delete one, delete by
 * filter, retry failed documents.
 *
 * <p>Freshness: a single upsert or delete is processed before it is answered, and the engine
 * refreshes at the end of it, so the next search sees it whether or not {@code ?refresh=wait_for}
 * is given. A batch is visible document batch by document batch as the worker indexes it; with
 * {@code ?refresh=wait_for} the call returns once the whole job is done (the worker signals it), or
 * after {@code ?timeout=} (default {@code ingest.wait_timeout}) answering 202 with the job as it
 * stands, or at once with a retryable 503 when the server shuts down.
 *
 * <p>Versions: every document response carries {@code version} and an {@code ETag}; {@code
 * If-Match: <version>} on upsert and delete makes the write conditional (412 when the document is at
 * another version), {@code If-None-Match: *} on upsert creates only. The version is 1 when the
 * document is created and moves only when a client changes it (new title, text or metadata, another
 * expiry); ingestion does not move it, so the version a write answered still matches once the
 * document is indexed.
 *
 * <p>A rejected write changes nothing: the body is checked (text, metadata, expiry, size) before
 * anything is stored, and a batch with one bad line or file stores none of it.
 */
public final class DocumentRoutes {

  record UpsertDocument(String title, String text, JsonNode metadata, String expiresAt) {}

  record BatchLine(@JsonAlias("_id") String id, String title, String text, JsonNode metadata, String expiresAt) {}

  record DeleteByFilter(JsonNode filter) {}

  /** Uploaded file content a batch request holds in memory while it is read; the rest waits in temporary files. */
  static final int UPLOAD_MEMORY_BYTES = 4 << 20;
  private static final int MAX_DOCUMENT_ID = 256;
  private static final Set<String> JSONL = Set.of("application/x-ndjson", "application/jsonl", "application/json-lines");

  /** {@code ?refresh=}, accepted on writes; every write is visible on return whatever its value. */
  static final ApiDoc.Param REFRESH = ApiDoc.Param.query("refresh",
      "wait_for: return once the write is visible to search. Single-document writes always are; "
          + "for a batch, the call waits until its job is done, up to `timeout`.",
      "wait_for", "true", "false");

  /** {@code ?timeout=}, how long a batch with {@code refresh=wait_for} waits for its job. */
  static final ApiDoc.Param TIMEOUT = ApiDoc.Param.query("timeout",
      "With refresh=wait_for: how long to wait for the job before answering 202 with the job as it stands, "
          + "e.g. 500ms, 10s, 2m (at most " + ConfigSection.format(IngestConfig.MAX_WAIT_TIMEOUT)
          + "; default: the server's ingest.wait_timeout).");

  static final ApiDoc.Param IF_MATCH = ApiDoc.Param.header("If-Match",
      "Write only if the document is at this version (its ETag, e.g. \"3\").");
  static final ApiDoc.Param IF_NONE_MATCH = ApiDoc.Param.header("If-None-Match",
      "`*`: create only, if the document does not exist.");
  static final ApiDoc.Param DOCUMENT_ID = ApiDoc.Param.path("id",
      "The document's id: 1-" + MAX_DOCUMENT_ID + " characters without control characters.");

  private final TenantCollections collections;
  private final Ingestion ingestion;
  private final Store store;
  private final JsonCodec json;
  private final ServerConfig.Limits limits;
  private final FilterJson filters;
  private final Clock clock;

  public DocumentRoutes(TenantCollections collections, Ingestion ingestion, Store store, JsonCodec json,
      ServerConfig.Limits limits, Clock clock) {
    this.collections = collections;
    this.ingestion = ingestion;
    this.store = store;
    this.json = json;
    this.limits = limits;
    this.filters = new FilterJson(limits.maxFilterDepth());
    this.clock = clock;
  }

  public void register(Router router) {
    Access ingest = Access.scope(Scope.INGEST);
    Access search = Access.scope(Scope.SEARCH);
    String one = "/v1/collections/{collection}/documents/{id}";
    String all = "/v1/collections/{collection}/documents";
    ApiDoc.Param collection = TenantCollections.COLLECTION;
    router.route("PUT", one, ingest,
        ApiDoc.op("upsertDocument", "Create or replace a document, synchronously")
            .describe("`metadata` is an object whose values are strings, numbers, booleans, ISO-8601 instants or arrays of "
                + "strings, returned as sent (2021 stays 2021, 2021.0 stays 2021.0); "
                + "search filters on it. `expires_at` (RFC 3339) makes the document disappear once it passes. "
                + "The document is stored, then parsed, chunked, embedded and indexed before the call returns; "
                + "unchanged content is not indexed again.")
            .param(collection).param(DOCUMENT_ID).param(REFRESH).param(IF_MATCH).param(IF_NONE_MATCH)
            .jsonBody(UpsertDocument.class, "text")
            .responds(200, "The document as in get, without content (`state` indexed), and `changed` (false when this "
                + "content was already indexed and nothing was done), `chunks`, `generation`; ETag header; visible to "
                + "search on return")
            .responds(202, "Another writer is processing this document: its state so far")
            .fails(400, "invalid_input: no text, too much text, bad metadata or expiry; nothing is stored")
            .fails(404, "not_found: the collection does not exist")
            .fails(412, "precondition_failed: the document is at another version"),
        (r, k) -> upsert(r, named(r, k)));
    router.route("GET", one, search,
        ApiDoc.op("getDocument", "Read a document with its ingestion state").param(collection).param(DOCUMENT_ID)
            .responds(200, "`id`, `version`, `state`, `failure`, `attempts`, `job`, `expires_at`, timestamps; "
                + "`title`, `text`, `metadata` for a JSON document or `file` (name, media_type, bytes) for an upload; ETag header")
            .fails(404, "not_found: the collection or the document does not exist (or it expired)"),
        (r, k) -> get(r, named(r, k)));
    router.route("DELETE", one, ingest,
        ApiDoc.op("deleteDocument", "Delete a document").param(collection).param(DOCUMENT_ID).param(REFRESH).param(IF_MATCH)
            .responds(200, "`id`, `deleted: true`, `generation`; gone from search and get on return")
            .fails(404, "not_found: the collection or the document does not exist")
            .fails(412, "precondition_failed: the document is at another version"),
        (r, k) -> delete(r, named(r, k)));
    router.route("POST", one + "/retry", ingest,
        ApiDoc.op("retryDocument", "Queue a failed document again").param(collection).param(DOCUMENT_ID)
            .responds(202, "The document, received and due now")
            .fails(404, "not_found: the collection or the document does not exist")
            .fails(409, "conflict: the document is not failed"),
        (r, k) -> retry(r, named(r, k)));
    router.route("GET", all, search,
        ApiDoc.op("listDocuments", "List documents by id with their ingestion state").param(collection)
            .param(ApiDoc.Param.query("state", "Only documents in this state.",
                "received", "parsed", "chunked", "embedded", "indexed", "failed"))
            .param(ApiDoc.Param.query("limit", "Page size, 1-1000 (default 100)."))
            .param(ApiDoc.Param.query("cursor", "`next_cursor` of the previous page."))
            .responds(200, "`documents` (as in get, without content), `next_cursor`")
            .fails(404, "not_found: the collection does not exist"),
        (r, k) -> list(r, named(r, k)));
    router.route("POST", all, ingest,
        ApiDoc.op("submitBatch", "Upload documents as a durable ingestion job")
            .describe("JSONL: one JSON object per line with `_id` (or `id`), `title`, `text`, `metadata`, `expires_at` "
                + "(BEIR corpus lines work as they are); a bad line rejects the whole batch, naming the line. "
                + "Multipart: one file per part, parsed by its file name's type (txt, md, html, pdf); the file name is the "
                + "document id. The batch is stored before the answer; the job then runs in the background.")
            .param(collection).param(REFRESH).param(TIMEOUT)
            .rawBody("JSONL documents or multipart files", "application/x-ndjson", "multipart/form-data")
            .responds(200, "With refresh=wait_for: the finished job")
            .responds(202, "The job (see GET /v1/jobs/{job}); Location header. With refresh=wait_for: "
                + "the timeout passed first, the job runs on")
            .fails(404, "not_found: the collection does not exist")
            .fails(503, "shutting_down: the server is shutting down while the request waited for its job; "
                + "the job is stored (retryable)"),
        (r, k) -> batch(r, named(r, k)));
    router.bodyLimit("POST", all, limits.maxBatchBytes());
    router.route("POST", "/v1/collections/{collection}/deletions", ingest,
        ApiDoc.op("deleteByFilter", "Delete every document matching a metadata filter")
            .describe("`filter` as in search. Deletes indexed documents and those still in ingestion; none of them can "
                + "appear later.")
            .param(collection).param(REFRESH)
            .jsonBody(DeleteByFilter.class, "filter")
            .responds(200, "`deleted` (how many), `generation`; gone from search on return")
            .fails(404, "not_found: the collection does not exist"),
        (r, k) -> deleteByFilter(r, named(r, k)));
    router.route("POST", "/v1/collections/{collection}/failed/retry", ingest,
        ApiDoc.op("retryFailed", "Queue every failed document of a collection again").param(collection)
            .responds(202, "`retried`: how many").fails(404, "not_found: the collection does not exist"),
        (r, k) -> retryFailed(named(r, k)));
  }

  // ---- one document ------------------------------------------------------------------------------

  private Response upsert(Request r, TenantCollection c) throws IOException {
    refresh(r);
    String id = documentId(r);
    collections.existing(c);
    UpsertDocument body = r.body(UpsertDocument.class);
    if (body.text() == null) {
      throw ApiException.invalidAt("/text", "a document needs text");
    }
    Metadata metadata = MetadataJson.read(body.metadata(), "/metadata");
    Document doc = Document.of(id, body.title(), body.text(), metadata);
    ingestion.contents().problem(doc).ifPresent(problem -> {
      throw ApiException.invalidAt("/text", problem);
    });
    DocumentSubmission s = submission(c, id, doc, body.expiresAt(), "/expires_at");
    s = conditional(r, s);
    Ingestion.Processed p;
    try {
      p = ingestion.submitAndProcess(c, s);
    } catch (ConflictException e) {
      throw preconditionFailed(r, e);
    }
    DocumentRecord d = p.document();
    Map<String, Object> out = documentView(d);
    if (d.state() == DocumentState.FAILED) {
      throw new InvalidInputException("document '" + id + "' was rejected: " + d.failureReason().orElse("unknown reason"));
    }
    if (d.state() != DocumentState.INDEXED) {
      if (d.failureReason().isPresent()) {
        throw new StorageException("document '" + id + "' is stored but could not be indexed yet ("
            + d.failureReason().get() + "); it will be retried, see GET " + "/v1/collections/" + c.name()
            + "/documents/" + id);
      }
      return Response.accepted(out).withHeader("ETag", etag(d));
    }
    out.put("changed", p.chunks() > 0);
    out.put("chunks", p.chunks());
    out.put("generation", collections.existing(c).stats().generation());
    return Response.ok(out).withHeader("ETag", etag(d));
  }

  private Response get(Request r, TenantCollection c) {
    String id = documentId(r);
    collections.existing(c);
    DocumentKey key = DocumentKey.of(Ingestion.key(c), id);
    DocumentRecord d = store.documents().find(key)
        .filter(doc -> doc.expiresAt().isEmpty() || doc.expiresAt().get().isAfter(clock.instant()))
        .orElseThrow(() -> notFound(c, id));
    Map<String, Object> out = documentView(d);
    store.documents().content(key).ifPresent(content -> out.putAll(contentView(id, content)));
    return Response.ok(out).withHeader("ETag", etag(d));
  }

  private Map<String, Object> contentView(String id, DocumentContent content) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (content.mediaType().equals(Contents.DOCUMENT_JSON)
        && ingestion.contents().parse(id, content) instanceof dev.quarry.core.parse.ParseOutcome.Parsed p) {
      out.put("title", p.document().title());
      out.put("text", p.document().text());
      out.put("metadata", MetadataJson.write(p.document().metadata()));
    } else {
      Map<String, Object> file = new LinkedHashMap<>();
      file.put("name", content.fileName().orElse(id));
      file.put("media_type", content.mediaType());
      file.put("bytes", content.body().length);
      out.put("file", file);
    }
    return out;
  }

  private Response delete(Request r, TenantCollection c) {
    refresh(r);
    String id = documentId(r);
    OptionalLong ifVersion = ifMatch(r);
    boolean existed;
    try {
      existed = ingestion.delete(c, id, ifVersion);
    } catch (ConflictException e) {
      throw preconditionFailed(r, e);
    }
    if (!existed) {
      throw notFound(c, id);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("deleted", true);
    out.put("generation", collections.existing(c).stats().generation());
    return Response.ok(out);
  }

  private Response retry(Request r, TenantCollection c) {
    String id = documentId(r);
    collections.existing(c);
    DocumentRecord d = store.documents().retry(DocumentKey.of(Ingestion.key(c), id));
    ingestion.wakeWorker();
    return Response.accepted(documentView(d)).withHeader("ETag", etag(d));
  }

  private Response retryFailed(TenantCollection c) {
    collections.existing(c);
    int n = store.documents().retryFailed(Ingestion.key(c));
    ingestion.wakeWorker();
    return Response.accepted(Map.of("retried", n));
  }

  // ---- many documents ----------------------------------------------------------------------------

  private Response list(Request r, TenantCollection c) {
    collections.existing(c);
    Optional<DocumentState> state = r.query("state").map(s -> {
      try {
        return DocumentState.fromWire(s);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("state must be one of received, parsed, chunked, embedded, indexed, failed; got: '" + s + "'");
      }
    });
    Page<DocumentRecord> page = store.documents().list(Ingestion.key(c), state, Paging.of(r, 100));
    return Response.ok(Paging.body("documents", page, DocumentRoutes::documentView));
  }

  private Response batch(Request r, TenantCollection c) throws IOException {
    refresh(r);
    Optional<Duration> wait = waitTimeout(r);
    collections.existing(c);
    String type = r.mediaType();
    List<DocumentSubmission> submissions;
    if (JSONL.contains(type)) {
      submissions = jsonLines(c, r.rawBody());
    } else if (type.equals("multipart/form-data")) {
      Multipart.Budget budget = new Multipart.Budget(UPLOAD_MEMORY_BYTES, limits.maxBatchBytes(),
          limits.maxBatchDocuments(), Optional.empty());
      try (Multipart upload = Multipart.read(r.header("Content-Type").orElse(""), r.bodyStream(), budget)) {
        submissions = files(c, upload);
      }
    } else {
      throw ApiException.of(ServerErrorCode.UNSUPPORTED_MEDIA_TYPE, "a batch is application/x-ndjson (one JSON document per line)"
          + " or multipart/form-data (one file per part), got: " + (type.isEmpty() ? "no Content-Type" : "'" + type + "'"));
    }
    if (submissions.isEmpty()) {
      throw ApiException.invalidAt("", "the batch holds no document");
    }
    IngestionJob job = ingestion.submitBatch(c, submissions);
    if (wait.isPresent()) {
      switch (ingestion.awaitJob(job, wait.get())) {
        case JobWait.Finished f -> {
          return Response.ok(JobRoutes.view(Ingestion.stampIfDone(store, f.job()), clock.instant()));
        }
        case JobWait.TimedOut t -> job = t.job();
        case JobWait.ShuttingDown s -> throw ApiException.of(ServerErrorCode.SHUTTING_DOWN,
            "the server is shutting down; job '" + s.job().id() + "' is stored and runs on when it is back: "
                + "see GET /v1/jobs/" + s.job().id() + ", or send the batch again");
      }
    }
    return Response.accepted(JobRoutes.view(job, clock.instant())).withHeader("Location", "/v1/jobs/" + job.id());
  }

  private List<DocumentSubmission> jsonLines(TenantCollection c, byte[] body) {
    String text = strictUtf8(body);
    List<DocumentSubmission> out = new ArrayList<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      int number = i + 1;
      try {
        BatchLine b = json.read(line, BatchLine.class);
        if (b == null) {
          throw ApiException.invalidAt("", "expected a JSON object, got null");
        }
        if (b.id() == null || b.id().isBlank()) {
          throw ApiException.invalidAt("/_id", "every line needs a document id ('_id' or 'id')");
        }
        String id = checkId(b.id(), "/_id");
        if (b.text() == null) {
          throw ApiException.invalidAt("/text", "a document needs text");
        }
        if (!ids.add(id)) {
          throw ApiException.invalidAt("/_id", "document '" + id + "' appears twice in this batch");
        }
        Document doc = Document.of(id, b.title(), b.text(), MetadataJson.read(b.metadata(), "/metadata"));
        ingestion.contents().problem(doc).ifPresent(problem -> {
          throw ApiException.invalidAt("/text", problem);
        });
        out.add(submission(c, id, doc, b.expiresAt(), "/expires_at"));
      } catch (IOException | RuntimeException e) {
        throw ApiException.invalidLine(number, e);
      }
      if (out.size() > limits.maxBatchDocuments()) {
        throw new InvalidInputException("a batch holds at most " + limits.maxBatchDocuments() + " documents");
      }
    }
    return out;
  }

  private List<DocumentSubmission> files(TenantCollection c, Multipart upload) {
    List<DocumentSubmission> out = new ArrayList<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (Multipart.Part part : upload.parts()) {
      String name = part.fileName().orElseThrow(() -> new InvalidInputException(
          "multipart part '" + part.name() + "' is not a file: every part must carry a filename"));
      String id = checkId(name, "part '" + part.name() + "'");
      if (!ids.add(id)) {
        throw new InvalidInputException("file '" + id + "' appears twice in this batch");
      }
      ingestion.contents().problem(name, part.size()).ifPresent(problem -> {
        throw new InvalidInputException("part '" + part.name() + "': " + problem);
      });
      DocumentKey key = DocumentKey.of(Ingestion.key(c), id);
      byte[] bytes = part.bytes();
      out.add(DocumentSubmission.of(key, Contents.hashOfFile(name, bytes))
          .withContent(new DocumentContent(part.mediaType(), Optional.of(name), bytes)));
    }
    return out;
  }

  private Response deleteByFilter(Request r, TenantCollection c) throws IOException {
    refresh(r);
    collections.existing(c);
    DeleteByFilter body = r.body(DeleteByFilter.class);
    if (body.filter() == null || body.filter().isNull()) {
      throw ApiException.invalidAt("/filter", "a filter is required (to delete the whole collection, DELETE it)");
    }
    Filter filter = filters.read(body.filter(), "/filter");
    long deleted = ingestion.deleteMatching(c, filter);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("deleted", deleted);
    out.put("generation", collections.existing(c).stats().generation());
    return Response.ok(out);
  }

  // ---- shared ------------------------------------------------------------------------------------

  private DocumentSubmission submission(TenantCollection c, String id, Document doc, String expiresAt, String pointer) {
    DocumentSubmission s = DocumentSubmission.of(DocumentKey.of(Ingestion.key(c), id), doc.contentHash())
        .withContent(ingestion.contents().fromFields(doc.title(), doc.text(), doc.metadata()));
    if (expiresAt != null) {
      Instant at;
      try {
        at = Instant.parse(expiresAt);
      } catch (DateTimeParseException e) {
        throw ApiException.invalidAt(pointer, "expires_at must be an RFC 3339 instant such as 2030-01-31T00:00:00Z, got: '" + expiresAt + "'");
      }
      s = s.expiringAt(at);
    }
    return s;
  }

  private static DocumentSubmission conditional(Request r, DocumentSubmission s) {
    if (r.header("If-None-Match").map(String::strip).filter("*"::equals).isPresent()) {
      return s.ifVersion(0);
    }
    OptionalLong v = ifMatch(r);
    return v.isPresent() ? s.ifVersion(v.getAsLong()) : s;
  }

  private static OptionalLong ifMatch(Request r) {
    Optional<String> h = r.header("If-Match");
    if (h.isEmpty()) {
      return OptionalLong.empty();
    }
    String v = h.get().strip();
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    v = v.replace("\"", "");
    try {
      long version = Long.parseLong(v);
      if (version < 1) {
        throw new NumberFormatException();
      }
      return OptionalLong.of(version);
    } catch (NumberFormatException e) {
      throw new InvalidInputException("If-Match must be a document version (the ETag, e.g. \"3\"), got: '" + h.get() + "'");
    }
  }

  private static ApiException preconditionFailed(Request r, ConflictException e) {
    if (r.header("If-Match").isPresent() || r.header("If-None-Match").isPresent()) {
      return ApiException.of(ServerErrorCode.PRECONDITION_FAILED, e.getMessage());
    }
    throw e;
  }

  static Map<String, Object> documentView(DocumentRecord d) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", d.key().id());
    out.put("version", d.version());
    out.put("state", d.state().wireName());
    out.put("failure", d.failureReason().orElse(null));
    out.put("attempts", d.attempts());
    out.put("job", d.jobId().orElse(null));
    out.put("expires_at", d.expiresAt().map(Instant::toString).orElse(null));
    out.put("created_at", d.createdAt().toString());
    out.put("updated_at", d.updatedAt().toString());
    return out;
  }

  private static String etag(DocumentRecord d) {
    return "\"" + d.version() + "\"";
  }

  private static NotFoundException notFound(TenantCollection c, String id) {
    return new NotFoundException("document '" + id + "' does not exist in collection '" + c.name() + "'");
  }

  /**
   * How long a batch waits for its job: empty without {@code refresh=wait_for} (or {@code true}),
   * else {@code ?timeout=} or the configured default. Read before anything is stored.
   */
  private Optional<Duration> waitTimeout(Request r) {
    boolean waits = r.query("refresh").filter(v -> v.equals("wait_for") || v.equals("true")).isPresent();
    Optional<String> asked = r.query("timeout");
    if (asked.isEmpty()) {
      return waits ? Optional.of(ingestion.settings().waitTimeout()) : Optional.empty();
    }
    if (!waits) {
      throw ApiException.invalidParameter("timeout", "timeout applies only with refresh=wait_for, got timeout="
          + asked.get() + " without it");
    }
    Duration d = ConfigSection.parseDuration(asked.get()).orElseThrow(() -> ApiException.invalidParameter("timeout",
        "timeout must be a duration such as 500ms, 10s or 2m, got: '" + asked.get() + "'"));
    if (d.compareTo(IngestConfig.MAX_WAIT_TIMEOUT) > 0) {
      throw ApiException.invalidParameter("timeout", "timeout must be at most "
          + ConfigSection.format(IngestConfig.MAX_WAIT_TIMEOUT) + ", got: " + ConfigSection.format(d));
    }
    return Optional.of(d);
  }

  static void refresh(Request r) {
    Optional<String> refresh = r.query("refresh");
    if (refresh.isPresent() && !List.of("wait_for", "true", "false").contains(refresh.get())) {
      throw new InvalidInputException("refresh must be wait_for, true or false, got: '" + refresh.get() + "'");
    }
  }

  private static String documentId(Request r) {
    return checkId(r.path("id"), "the path");
  }

  private static String checkId(String id, String where) {
    String rule = "a document id (at " + where + ") must be 1-" + MAX_DOCUMENT_ID + " characters without control characters";
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

  private static String strictUtf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException("the batch is not valid UTF-8: " + e.getMessage());
    }
  }
}
