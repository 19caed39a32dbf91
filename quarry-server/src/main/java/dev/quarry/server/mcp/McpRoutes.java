package dev.quarry.server.mcp;

import static dev.quarry.server.tenancy.TenantCollections.caller;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.chat.ToolCall;
import dev.quarry.core.chat.ToolSpec;
import dev.quarry.core.error.BudgetExceededException;
import dev.quarry.core.observe.ToolInvocation;
import dev.quarry.runtime.tools.ToolBox;
import dev.quarry.runtime.tools.ToolLoop;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.Request;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.tools.TenantTools;
import dev.quarry.store.key.ApiKey;
import dev.quarry.store.key.Scope;
import dev.quarry.store.tenant.TenantId;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * Quarry's built-in tools ({@code search}, {@code get_document}) as a Model Context Protocol server
 * at {@code POST /mcp}, with the official MCP Java SDK's stateless server.
 *
 * <p>Decision: the SDK's HTTP transports are servlets, and Quarry's edge is its own {@link Router}
 * (JDK HttpServer), which already does bearer keys, scopes, body limits, request ids, access logs
 * and spans. So this class implements the SDK's transport SPI ({@link McpStatelessServerTransport})
 * over a Quarry route, as the SDK's servlet transport does over a servlet: each POST is one JSON-RPC
 * request (answered with its JSON-RPC response) or notification (202). Stateless streamable HTTP: no
 * session, no server-initiated stream ({@code GET /mcp} is not served), so any server instance can
 * answer any request. The caller's key is the bearer token (scope {@code search}); its tenant goes
 * into the MCP transport context and binds the tools, so a key sees its own tenant's collections only.
 */
public final class McpRoutes {

  public static final String PATH = "/mcp";
  static final String TENANT = "quarry.tenant";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIME = Duration.ofSeconds(30);

  private final TenantTools tools;
  private final ToolLoop loop;
  private final Clock clock;
  private final McpJsonMapper mapper = new JacksonMcpJsonMapper(JSON);
  private final Transport transport = new Transport();
  private final McpStatelessSyncServer server;

  public McpRoutes(TenantTools tools, Clock clock, String version) {
    this.tools = tools;
    this.loop = tools.loop();
    this.clock = clock;
    List<McpStatelessServerFeatures.SyncToolSpecification> specs = new ArrayList<>();
    for (ToolSpec spec : TenantTools.builtInSpecs()) {
      McpSchema.Tool tool = McpSchema.Tool.builder(spec.name(), mapper, spec.parametersSchema())
          .description(spec.description()).build();
      specs.add(new McpStatelessServerFeatures.SyncToolSpecification(tool, (context, request) -> call(context, request)));
    }
    this.server = McpServer.sync(transport)
        .serverInfo("quarry", version)
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        .instructions("Search the document collections of the tenant whose Quarry key you use; cite what you read.")
        .jsonMapper(mapper)
        .tools(specs)
        .build();
  }

  public void register(Router router) {
    router.route("POST", PATH, Access.scope(Scope.SEARCH),
        ApiDoc.op("mcp", "Model Context Protocol server (streamable HTTP, stateless)")
            .describe("One JSON-RPC message per request, as MCP's streamable HTTP transport sends them: `initialize`, "
                + "`tools/list`, `tools/call` of the built-in tools `search` and `get_document` over the key's own "
                + "tenant (search reads every collection of the tenant unless `collections` names some), and "
                + "notifications (202). Use any MCP client with the Quarry key as its bearer token.")
            .responds(200, "The JSON-RPC response")
            .responds(202, "A notification was taken"),
        this::post);
  }

  private Response post(Request r, Optional<ApiKey> key) throws IOException {
    TenantId tenant = caller(key).tenant();
    McpSchema.JSONRPCMessage message;
    try {
      message = McpSchema.deserializeJsonRpcMessage(mapper, r.bodyTree().toString());
    } catch (IOException | IllegalArgumentException e) {
      throw ApiException.invalidAt("", "the body must be one JSON-RPC request or notification: " + e.getMessage());
    }
    McpTransportContext context = McpTransportContext.create(Map.of(TENANT, tenant.value()));
    if (message instanceof McpSchema.JSONRPCRequest request) {
      McpSchema.JSONRPCResponse response = transport.handler().handleRequest(context, request)
          .contextWrite(c -> c.put(McpTransportContext.KEY, context))
          .block(CALL_TIME.plusSeconds(5));
      Map<String, Object> body = JSON.convertValue(JSON.readTree(mapper.writeValueAsString(response)),
          new TypeReference<Map<String, Object>>() {});
      return new Response(200, body, Map.of(), false);
    }
    if (message instanceof McpSchema.JSONRPCNotification notification) {
      transport.handler().handleNotification(context, notification)
          .contextWrite(c -> c.put(McpTransportContext.KEY, context))
          .block(CALL_TIME);
      return new Response(202, Map.of(), Map.of(), false);
    }
    throw ApiException.invalidAt("", "the server takes JSON-RPC requests and notifications only");
  }

  /** {@code tools/call}: the built-in tool bound to the caller's tenant, through the tool loop's single call. */
  private McpSchema.CallToolResult call(McpTransportContext context, McpSchema.CallToolRequest request) {
    TenantId tenant = TenantId.of((String) context.get(TENANT));
    try {
      tools.requireAllowed(tenant, request.name());
    } catch (BudgetExceededException e) {
      return McpSchema.CallToolResult.builder().addTextContent(e.getMessage()).isError(true).build();
    }
    ToolBox box = ToolBox.of(tools.builtIns(tenant, tools.allSources(tenant)));
    String arguments;
    try {
      arguments = JSON.writeValueAsString(request.arguments() == null ? Map.of() : request.arguments());
    } catch (IOException e) {
      arguments = "{}";
    }
    ToolLoop.SingleCall result = loop.call(box, new ToolCall("mcp-" + UUID.randomUUID(), request.name(), arguments),
        clock.instant().plus(CALL_TIME));
    return McpSchema.CallToolResult.builder().addTextContent(result.content())
        .isError(result.outcome() != ToolInvocation.Outcome.OK).build();
  }

  /** The SDK's transport SPI over Quarry's route: it only hands the SDK's handler to {@link #post}. */
  private static final class Transport implements McpStatelessServerTransport {
    private volatile McpStatelessServerHandler handler;

    @Override
    public void setMcpHandler(McpStatelessServerHandler handler) {
      this.handler = handler;
    }

    McpStatelessServerHandler handler() {
      McpStatelessServerHandler h = handler;
      if (h == null) {
        throw new IllegalStateException("the MCP server is not built yet");
      }
      return h;
    }

    @Override
    public Mono<Void> closeGracefully() {
      return Mono.empty();
    }
  }
}
