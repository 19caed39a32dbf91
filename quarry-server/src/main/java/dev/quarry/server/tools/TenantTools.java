package dev.quarry.server.tools;

import dev.quarry.core.chat.ToolSpec;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.engine.Collection;
import dev.quarry.runtime.retrieve.HybridRetriever;
import dev.quarry.runtime.retrieve.Source;
import dev.quarry.runtime.tools.DocumentLookup;
import dev.quarry.runtime.tools.GetDocumentTool;
import dev.quarry.runtime.tools.SearchTool;
import dev.quarry.runtime.tools.TenantSources;
import dev.quarry.runtime.tools.Tool;
import dev.quarry.runtime.tools.ToolBox;
import dev.quarry.runtime.tools.ToolLoop;
import dev.quarry.runtime.tools.http.HttpTool;
import dev.quarry.runtime.tools.http.HttpToolClient;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.ingest.Ingestion;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.store.Store;
import dev.quarry.store.document.DocumentKey;
import dev.quarry.store.tenant.TenantId;
import dev.quarry.store.tool.ToolDefinition;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The tools a request of one tenant may use, bound to that tenant: the built-ins {@code search}
 * and {@code get_document} read only its collections (the tenant comes from the caller's key, never
 * from the model's arguments), and its registered HTTP tools go through the shared {@link
 * HttpToolClient} with its host allow-list. Also holds the server's {@link ToolLoop}.
 */
public final class TenantTools implements AutoCloseable {

  /** The built-in tools' names, in the order they are offered. */
  public static final List<String> BUILT_IN = List.of(SearchTool.NAME, GetDocumentTool.NAME);

  private final TenantCollections collections;
  private final Function<TenantCollection, Optional<Source>> sources;
  private final Store store;
  private final Ingestion ingestion;
  private final HttpToolClient http;
  private final ToolLoop loop;
  private final Clock clock;
  private final BiConsumer<TenantId, String> policy;

  /**
   * {@code sources} gives a collection as {@code search} reads it (searched as its defaults say), if
   * it exists. {@code policy} refuses a tool the tenant may not use (its budget's {@code
   * allowed_tools}) by throwing; it is asked for every tool a request names and every MCP call.
   */
  public TenantTools(TenantCollections collections, Function<TenantCollection, Optional<Source>> sources, Store store, Ingestion ingestion, HttpToolClient http,
      ToolLoop loop, Clock clock, BiConsumer<TenantId, String> policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.collections = Objects.requireNonNull(collections, "collections");
    this.sources = Objects.requireNonNull(sources, "sources");
    this.store = Objects.requireNonNull(store, "store");
    this.ingestion = Objects.requireNonNull(ingestion, "ingestion");
    this.http = Objects.requireNonNull(http, "http");
    this.loop = Objects.requireNonNull(loop, "loop");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public ToolLoop loop() {
    return loop;
  }

  /** The built-in tools' declarations. */
  public static List<ToolSpec> builtInSpecs() {
    return List.of(SearchTool.SPEC, GetDocumentTool.SPEC);
  }

  /** The built-ins for {@code tenant}; {@code search} reads {@code defaults} when the model names no collection. */
  public List<Tool> builtIns(TenantId tenant, List<Source> defaults) {
    return List.of(new SearchTool(sources(tenant, defaults), new HybridRetriever(clock)),
        new GetDocumentTool(documents(tenant)));
  }

  /** The most collections {@link #allSources} gives {@code search} when a client names none. */
  public static final int MAX_DEFAULT_COLLECTIONS = 16;

  /** The tenant's collections (the first {@link #MAX_DEFAULT_COLLECTIONS} by name), as {@code search}'s defaults. */
  public List<Source> allSources(TenantId tenant) {
    List<Source> out = new ArrayList<>();
    for (var c : store.collections().list(tenant)) {
      if (out.size() == MAX_DEFAULT_COLLECTIONS) {
        break;
      }
      source(tenant, c.key().name()).ifPresent(out::add);
    }
    return out;
  }

  /** Refuses (throws) when {@code tenant} may not use the tool {@code name}. */
  public void requireAllowed(TenantId tenant, String name) {
    policy.accept(tenant, name);
  }

  /**
   * The tools {@code names} (built-ins or the tenant's registered tools) as one box; a name that is
   * neither is a 400 at {@code pointer}{@code /i}; a tool the tenant's budget does not allow is
   * refused.
   */
  public ToolBox box(TenantId tenant, List<String> names, List<Source> defaults, String pointer) {
    List<Tool> tools = new ArrayList<>();
    List<Tool> builtIns = builtIns(tenant, defaults);
    Set<String> allowedHosts = null;
    int i = 0;
    for (String name : new LinkedHashSet<>(names)) {
      String at = pointer + "/" + i++;
      policy.accept(tenant, name);
      Optional<Tool> builtIn = builtIns.stream().filter(t -> t.spec().name().equals(name)).findFirst();
      if (builtIn.isPresent()) {
        tools.add(builtIn.get());
        continue;
      }
      ToolDefinition d = store.tools().find(tenant, name).orElseThrow(() -> ApiException.invalidAt(at,
          "there is no tool named '" + name + "': the built-ins are " + String.join(", ", BUILT_IN)
              + "; GET /v1/tools lists your tenant's"));
      if (allowedHosts == null) {
        allowedHosts = store.tools().allowedHosts(tenant);
      }
      tools.add(http(d, allowedHosts));
    }
    return ToolBox.of(tools);
  }

  private Tool http(ToolDefinition d, Set<String> allowedHosts) {
    return new HttpTool(new ToolSpec(d.name(), d.description(), d.parameters()), URI.create(d.url()), allowedHosts,
        http);
  }

  private TenantSources sources(TenantId tenant, List<Source> defaults) {
    List<Source> fixed = List.copyOf(defaults);
    return new TenantSources() {
      @Override
      public Optional<Source> find(String name) {
        return source(tenant, name);
      }

      @Override
      public List<Source> defaults() {
        return fixed;
      }
    };
  }

  private Optional<Source> source(TenantId tenant, String name) {
    return named(tenant, name).flatMap(sources);
  }

  private Optional<Collection> collection(TenantId tenant, String name) {
    return named(tenant, name).flatMap(tc -> collections.engine().find(tc.engineName()));
  }

  /** The tenant's collection {@code name}, or empty when the name is not a valid one. */
  private static Optional<TenantCollection> named(TenantId tenant, String name) {
    try {
      return Optional.of(new TenantCollection(tenant, name));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private DocumentLookup documents(TenantId tenant) {
    return (collection, id) -> {
      if (collection(tenant, collection).isEmpty()) {
        return Optional.empty();
      }
      DocumentKey key;
      try {
        key = DocumentKey.of(Ingestion.key(new TenantCollection(tenant, collection)), id);
      } catch (RuntimeException e) {
        return Optional.empty();
      }
      boolean live = store.documents().find(key)
          .filter(d -> d.expiresAt().isEmpty() || d.expiresAt().get().isAfter(clock.instant())).isPresent();
      if (!live) {
        return Optional.empty();
      }
      return store.documents().content(key).flatMap(content ->
          ingestion.contents().parse(id, content) instanceof ParseOutcome.Parsed p
              ? Optional.of(p.document().text()) : Optional.empty());
    };
  }

  @Override
  public void close() {
    http.close();
  }
}
