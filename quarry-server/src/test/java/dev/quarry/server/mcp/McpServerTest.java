package dev.quarry.server.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Quarry's MCP server driven by the official MCP Java SDK's client over real HTTP on loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpServerTest {

  static final String CERTS = "Cluster certificates expire after one year. Rotate them with kubeadm certs renew before "
      + "they lapse. The renewal restarts the control plane components.";

  TestApi api;
  String acme;
  String rival;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start();
    acme = api.tenantKey("acme", "ingest", "search");
    rival = api.tenantKey("rival", "ingest", "search");
    for (String key : List.of(acme, rival)) {
      assertEquals(201, api.json("PUT", "/v1/collections/ops", key, "{}").status());
    }
    Reply r = api.json("PUT", "/v1/collections/ops/documents/certs", acme, "{\"text\":\"" + CERTS + "\"}");
    assertEquals(200, r.status(), r.body().toString());
    assertEquals(200, api.json("PUT", "/v1/collections/ops/documents/ferries", rival,
        "{\"text\":\"The ferry timetable changes in spring.\"}").status());
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
  }

  private McpSyncClient client(String key) {
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
        .builder("http://127.0.0.1:" + api.port())
        .endpoint("/mcp")
        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + key))
        .build();
    return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
  }

  private static McpSchema.CallToolRequest call(String name, Map<String, Object> arguments) {
    return McpSchema.CallToolRequest.builder(name).arguments(arguments).build();
  }

  private static String text(McpSchema.CallToolResult result) {
    return result.content().stream().map(c -> ((McpSchema.TextContent) c).text()).collect(Collectors.joining());
  }

  @Test
  void aClientInitializesListsTheBuiltInToolsAndSearchesItsTenantsCollections() {
    try (McpSyncClient client = client(acme)) {
      McpSchema.InitializeResult init = client.initialize();
      assertEquals("quarry", init.serverInfo().name());
      assertEquals(List.of("search", "get_document"),
          client.listTools().tools().stream().map(McpSchema.Tool::name).toList());

      McpSchema.CallToolResult hits = client.callTool(call("search",
          Map.of("query", "when do certificates expire")));
      assertFalse(Boolean.TRUE.equals(hits.isError()), text(hits));
      assertTrue(text(hits).contains("expire after one year"), text(hits));
      assertTrue(text(hits).contains("\"document_id\":\"certs\""), text(hits));

      McpSchema.CallToolResult doc = client.callTool(call("get_document",
          Map.of("collection", "ops", "document_id", "certs")));
      assertTrue(text(doc).contains("kubeadm certs renew"), text(doc));
    }
  }

  @Test
  void invalidArgumentsAreAToolErrorNotAFailure() {
    try (McpSyncClient client = client(acme)) {
      client.initialize();
      McpSchema.CallToolResult bad = client.callTool(call("search", Map.of("k", 0)));
      assertTrue(Boolean.TRUE.equals(bad.isError()), text(bad));
    }
  }

  @Test
  void anotherTenantsKeyNeverSeesTheFirstTenantsDocumentsEvenInASameNamedCollection() {
    try (McpSyncClient client = client(rival)) {
      client.initialize();
      McpSchema.CallToolResult hits = client.callTool(call("search",
          Map.of("query", "when do certificates expire", "collections", List.of("ops"))));
      assertFalse(text(hits).contains("expire after one year"), text(hits));
      assertTrue(text(hits).contains("ferries") || text(hits).contains("\"passages\":[]"), text(hits));
      McpSchema.CallToolResult doc = client.callTool(call("get_document",
          Map.of("collection", "ops", "document_id", "certs")));
      assertTrue(Boolean.TRUE.equals(doc.isError()), text(doc));
      assertFalse(text(doc).contains("kubeadm"), text(doc));
    }
  }

  @Test
  void aWrongKeyCannotInitialize() {
    try (McpSyncClient client = client("qk_not-a-key")) {
      assertThrows(RuntimeException.class, client::initialize);
    }
  }
}
