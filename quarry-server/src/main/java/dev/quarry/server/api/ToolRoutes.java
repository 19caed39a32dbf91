package dev.quarry.server.api;

import static dev.quarry.server.tenancy.TenantCollections.caller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.chat.ToolSpec;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.llm.schema.JsonSchemas;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.tools.TenantTools;
import dev.quarry.store.key.Scope;
import dev.quarry.store.tenant.TenantId;
import dev.quarry.store.tool.ToolDefinition;
import dev.quarry.store.tool.ToolStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A tenant's tools: {@code PUT}, {@code GET} and {@code DELETE /v1/tools/{name}}, {@code GET
 * /v1/tools} (the built-ins and the tenant's own), and the host allow-list their URLs may name,
 * {@code GET} and {@code PUT /v1/tenants/{tenant}/tool-hosts} (the tenant's admin key or the
 * operator's). A registered tool is declared in OpenAI's function format (a name, a description, the
 * JSON Schema of its arguments) with the URL Quarry POSTs validated arguments to.
 */
public final class ToolRoutes {

  record ToolBody(String description, JsonNode parameters, String url) {}

  record ToolHostsBody(List<String> hosts) {}

  static final int MAX_DESCRIPTION = 1024;
  static final int MAX_SCHEMA_CHARS = 65_536;
  private static final String VIEW = "`name`, `description`, `parameters` (JSON Schema), `url` (absent on a built-in), "
      + "`built_in`, `created_at`, `updated_at`";

  private final ToolStore tools;

  public ToolRoutes(ToolStore tools) {
    this.tools = tools;
  }

  public void register(Router router) {
    Access ingest = Access.scope(Scope.INGEST);
    Access search = Access.scope(Scope.SEARCH);
    ApiDoc.Param name = ApiDoc.Param.path("name", "The tool's name: 1-64 of A-Z, a-z, 0-9, `_` and `-`.");
    router.route("PUT", "/v1/tools/{name}", ingest,
        ApiDoc.op("putTool", "Register or replace a tenant HTTP tool")
            .describe("`description` (1-" + MAX_DESCRIPTION + " characters), `parameters` (a JSON Schema object, draft "
                + "2020-12 by default: the arguments are checked against it before every call), `url` (http or https, its "
                + "host on the tenant's allow-list, `GET /v1/tenants/{tenant}/tool-hosts`). A call POSTs the arguments "
                + "as JSON to `url`; the response body is the result. Built-in names (`search`, `get_document`) are "
                + "taken. At most " + ToolStore.MAX_PER_TENANT + " tools per tenant.")
            .param(name)
            .jsonBody(ToolBody.class, "description", "parameters", "url")
            .responds(201, "Created: " + VIEW)
            .responds(200, "Replaced: " + VIEW)
            .fails(409, "conflict: the tenant already has the most tools one tenant may have"),
        (r, k) -> {
          TenantId tenant = caller(k).tenant();
          String n = name(r.path("name"));
          boolean created = put(tenant, n, r.body(ToolBody.class));
          Map<String, Object> view = view(tools.find(tenant, n).orElseThrow());
          return created ? Response.created(view) : Response.ok(view);
        });
    router.route("GET", "/v1/tools", search,
        ApiDoc.op("listTools", "The tools the caller's requests may use")
            .responds(200, "`tools`: the built-ins, then the tenant's own by name, each with " + VIEW),
        (r, k) -> {
          List<Map<String, Object>> out = new ArrayList<>();
          for (ToolSpec s : TenantTools.builtInSpecs()) {
            out.add(builtIn(s));
          }
          for (ToolDefinition d : tools.list(caller(k).tenant())) {
            out.add(view(d));
          }
          return Response.ok(Map.of("tools", out));
        });
    router.route("GET", "/v1/tools/{name}", search,
        ApiDoc.op("getTool", "A tool")
            .param(name)
            .responds(200, VIEW)
            .fails(404, "not_found: no built-in and no tool of the tenant has this name"),
        (r, k) -> {
          String n = r.path("name");
          for (ToolSpec s : TenantTools.builtInSpecs()) {
            if (s.name().equals(n)) {
              return Response.ok(builtIn(s));
            }
          }
          return Response.ok(view(find(caller(k).tenant(), n)));
        });
    router.route("DELETE", "/v1/tools/{name}", ingest,
        ApiDoc.op("deleteTool", "Delete a tenant HTTP tool")
            .param(name)
            .responds(200, "`{\"deleted\": true}`")
            .fails(404, "not_found: the tenant has no tool of this name"),
        (r, k) -> {
          ToolDefinition d = find(caller(k).tenant(), r.path("name"));
          tools.delete(d.tenant(), d.name());
          return Response.ok(Map.of("deleted", true));
        });
    router.route("GET", "/v1/tenants/{tenant}/tool-hosts", Access.tenantAdmin(),
        ApiDoc.op("getToolHosts", "A tenant's tool host allow-list")
            .param(TenantRoutes.TENANT)
            .responds(200, "`hosts`: the hosts the tenant's HTTP tools may call (`*.example.com` for subdomains)"),
        (r, k) -> Response.ok(Map.of("hosts", List.copyOf(tools.allowedHosts(TenantId.of(r.path("tenant")))))));
    router.route("PUT", "/v1/tenants/{tenant}/tool-hosts", Access.tenantAdmin(),
        ApiDoc.op("putToolHosts", "Replace a tenant's tool host allow-list")
            .describe("`hosts`: up to " + ToolStore.MAX_HOSTS + " host names, or `*.domain` for a domain's subdomains. "
                + "Addresses are still checked when a tool is called: loopback, link-local and private ones are refused "
                + "unless the operator sets `tools.http_allow_private_addresses`.")
            .param(TenantRoutes.TENANT)
            .jsonBody(ToolHostsBody.class, "hosts")
            .responds(200, "`hosts` as stored")
            .fails(404, "not_found: the tenant does not exist"),
        (r, k) -> {
          TenantId tenant = TenantId.of(r.path("tenant"));
          tools.setAllowedHosts(tenant, hosts(r.body(ToolHostsBody.class)));
          return Response.ok(Map.of("hosts", List.copyOf(tools.allowedHosts(tenant))));
        });
  }

  private static String name(String name) {
    try {
      new ToolSpec(name, "", "{}");
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidParameter("name", e.getMessage());
    }
    if (TenantTools.BUILT_IN.contains(name)) {
      throw ApiException.invalidParameter("name", "'" + name + "' is a built-in tool's name");
    }
    return name;
  }

  private boolean put(TenantId tenant, String name, ToolBody b) {
    if (b.description() == null || b.description().isBlank() || b.description().length() > MAX_DESCRIPTION) {
      throw ApiException.invalidAt("/description", "description must be 1-" + MAX_DESCRIPTION + " characters");
    }
    if (b.parameters() == null || !b.parameters().isObject()) {
      throw ApiException.invalidAt("/parameters", "parameters must be a JSON Schema object");
    }
    String schema = b.parameters().toString();
    if (schema.length() > MAX_SCHEMA_CHARS) {
      throw ApiException.invalidAt("/parameters", "parameters must be at most " + MAX_SCHEMA_CHARS + " characters");
    }
    try {
      JsonSchemas.compile(b.parameters(), "tool " + name);
    } catch (InvalidInputException e) {
      throw ApiException.invalidAt("/parameters", e.getMessage());
    }
    URI url = url(b.url());
    if (!dev.quarry.runtime.tools.http.HttpToolClient.allowed(url, tools.allowedHosts(tenant))) {
      throw ApiException.invalidAt("/url", "the host " + url.getHost() + " is not on the tenant's tool allow-list "
          + "(PUT /v1/tenants/" + tenant + "/tool-hosts)");
    }
    return tools.put(tenant, name, b.description(), schema, url.toString());
  }

  private static URI url(String text) {
    if (text == null) {
      throw ApiException.invalidAt("/url", "url is required");
    }
    try {
      URI u = new URI(text);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null && u.getUserInfo() == null) {
        return u;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw ApiException.invalidAt("/url", "url must be an absolute http or https URL with a host and no user info");
  }

  private static Set<String> hosts(ToolHostsBody b) {
    if (b.hosts() == null || b.hosts().size() > ToolStore.MAX_HOSTS) {
      throw ApiException.invalidAt("/hosts", "hosts must be a list of at most " + ToolStore.MAX_HOSTS + " host names");
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < b.hosts().size(); i++) {
      String h = b.hosts().get(i);
      if (h == null || !h.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+]")) {
        throw ApiException.invalidAt("/hosts/" + i, "a host name, `*.domain` or a bracketed IPv6 address, got: " + h);
      }
      out.add(h.toLowerCase(Locale.ROOT));
    }
    return out;
  }

  private ToolDefinition find(TenantId tenant, String name) {
    return tools.find(tenant, name).orElseThrow(() -> new NotFoundException("tool '" + name + "' does not exist"));
  }

  private static Map<String, Object> builtIn(ToolSpec s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("description", s.description());
    m.put("parameters", JsonSchemas.compile(s.parametersSchema(), s.name()).node());
    m.put("built_in", true);
    return m;
  }

  private static Map<String, Object> view(ToolDefinition d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", d.name());
    m.put("description", d.description());
    m.put("parameters", JsonSchemas.compile(d.parameters(), d.name()).node());
    m.put("url", d.url());
    m.put("built_in", false);
    m.put("created_at", d.createdAt().toString());
    m.put("updated_at", d.updatedAt().toString());
    return m;
  }
}
