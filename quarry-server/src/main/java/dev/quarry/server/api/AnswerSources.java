package dev.quarry.server.api;

import dev.quarry.engine.Collection;
import dev.quarry.runtime.retrieve.Source;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.server.ingest.Ingestion;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.store.Store;
import java.util.Objects;
import java.util.Optional;

/**
 * The collections an answer reads ({@code /v1/chat}, {@code rag/<collection>}, the {@code search}
 * tool), each searched as its search defaults say ({@link SearchDefaults}: mode, fusion, score completion, re-ranking),
 * so an answer ranks passages as a search of that collection without ranking fields does, and a
 * change of the defaults reaches answers at once. The defaults are read from the store per request,
 * as a search does.
 */
public final class AnswerSources {

  private final TenantCollections collections;
  private final Store store;
  private final JsonCodec json;

  public AnswerSources(TenantCollections collections, Store store, JsonCodec json) {
    this.collections = Objects.requireNonNull(collections, "collections");
    this.store = Objects.requireNonNull(store, "store");
    this.json = Objects.requireNonNull(json, "json");
  }

  /** The collection {@code c}, which must exist (a 404 otherwise). */
  public Source existing(TenantCollection c) {
    return source(c, collections.existing(c));
  }

  /** The collection {@code c}, if it exists. */
  public Optional<Source> find(TenantCollection c) {
    return collections.engine().find(c.engineName()).map(col -> source(c, col));
  }

  private Source source(TenantCollection c, Collection collection) {
    SearchDefaults d = SearchDefaults.of(store, Ingestion.key(c), json);
    return new Source(c.name(), collection, d.mode(null), d.fusion(null, null, null, "/search"), d.rerank(null),
        d.feedback(null));
  }
}
