package dev.quarry.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.sun.net.httpserver.HttpServer;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.ModelConfig;
import dev.quarry.llm.config.Price;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import dev.quarry.runtime.AnswerSettings;
import dev.quarry.runtime.tools.ToolLoopSettings;
import dev.quarry.runtime.tools.http.HttpToolSettings;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import dev.quarry.server.config.RuntimeConfig;
import dev.quarry.server.config.ToolsConfig;
import dev.quarry.store.session.SessionPolicy;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tools over real HTTP: registration and its tenancy, {@code /v1/chat} with built-in and tenant HTTP
 * tools through the tool loop against a scripted upstream, and the OpenAI-compatible API's tool
 * passthrough and server-side tools driven by the official OpenAI Java client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolsApiTest {

  static final String CERTS = "Cluster certificates expire after one year. Rotate them with kubeadm certs renew before "
      + "they lapse. The renewal restarts the control plane components.";
  static final String WEATHER_SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
      + "\"required\":[\"city\"],\"additionalProperties\":false}";
  static final ObjectMapper JSON = new ObjectMapper();

  ScriptedOpenAiServer upstream;
  HttpServer weather;
  final List<String> weatherCalls = new CopyOnWriteArrayList<>();
  TestApi api;
  String key;
  String admin;
  String rival;
  OpenAIClient client;

  @BeforeAll
  void start() throws Exception {
    upstream = ScriptedOpenAiServer.start();
    weather = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    weather.createContext("/weather", exchange -> {
      weatherCalls.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] body = "{\"celsius\":21}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    weather.start();
    LlmConfig llm = new LlmConfig(
        List.of(new ProviderConfig("up", ProviderKind.OPENAI, upstream.baseUrl(), Optional.empty(), Duration.ofSeconds(5))),
        List.of(new ModelConfig("small", "up", "llama-3.1-8b-instruct", 8192, new Price(BigDecimal.ONE, BigDecimal.TEN),
            Set.of(ModelCapability.STREAMING, ModelCapability.TOOLS))), "small");
    // loopback tools need the operator's allowance; HttpToolClientTest asserts the refusal without it
    ToolsConfig tools = new ToolsConfig(ToolLoopSettings.DEFAULTS, new HttpToolSettings(true, Duration.ofSeconds(5), 4096));
    api = TestApi.start(c -> c.withRuntime(new RuntimeConfig(llm, AnswerSettings.DEFAULT, SessionPolicy.DEFAULT).withTools(tools)));
    key = api.tenantKey("acme", "ingest", "search");
    admin = api.key("acme", "admin");
    rival = api.tenantKey("rival", "ingest", "search", "admin");
    assertEquals(201, api.json("PUT", "/v1/collections/ops", key, "{}").status());
    assertEquals(201, api.json("PUT", "/v1/collections/secrets", rival, "{}").status());
    Reply r = api.json("PUT", "/v1/collections/ops/documents/certs", key, "{\"text\":\"" + CERTS + "\"}");
    assertEquals(200, r.status(), r.body().toString());
    assertEquals(200, api.json("PUT", "/v1/tenants/acme/tool-hosts", admin, "{\"hosts\":[\"127.0.0.1\"]}").status());
    client = OpenAIOkHttpClient.builder().apiKey(key).baseUrl("http://127.0.0.1:" + api.port() + "/v1").maxRetries(0)
        .build();
  }

  @BeforeEach
  void registerWeather() throws Exception {
    Reply r = api.json("PUT", "/v1/tools/weather", key, "{\"description\":\"The weather in a city\",\"parameters\":"
        + WEATHER_SCHEMA + ",\"url\":\"http://127.0.0.1:" + weather.getAddress().getPort() + "/weather\"}");
    assertTrue(r.status() == 201 || r.status() == 200, r.body().toString());
  }

  @AfterAll
  void stop() throws Exception {
    client.close();
    api.close();
    weather.stop(0);
    upstream.close();
  }

  private JsonNode upstreamBody(int fromEnd) throws Exception {
    List<dev.quarry.llm.testing.RecordedRequest> all = upstream.requests();
    return JSON.readTree(all.get(all.size() - 1 - fromEnd).body());
  }

  @Test
  void toolsAreRegisteredListedReadAndDeletedAndAnotherTenantSeesNone() throws Exception {
    Reply list = api.json("GET", "/v1/tools", key, null);
    assertEquals(List.of("search", "get_document", "weather"),
        list.body().get("tools").findValuesAsText("name"));
    Reply one = api.json("GET", "/v1/tools/weather", key, null);
    assertEquals("object", one.body().path("parameters").path("type").asText());
    assertFalse(one.body().path("built_in").asBoolean());

    assertEquals(List.of("search", "get_document"), api.json("GET", "/v1/tools", rival, null).body().get("tools")
        .findValuesAsText("name"));
    assertEquals(404, api.json("GET", "/v1/tools/weather", rival, null).status());
    assertEquals(404, api.json("DELETE", "/v1/tools/weather", rival, null).status());
    assertEquals(403, api.json("PUT", "/v1/tenants/acme/tool-hosts", rival, "{\"hosts\":[\"evil.example\"]}").status());
    assertEquals(403, api.json("GET", "/v1/tenants/acme/tool-hosts", rival, null).status());
    assertEquals(List.of("127.0.0.1"), List.of(api.json("GET", "/v1/tenants/acme/tool-hosts", admin, null).body()
        .get("hosts").get(0).asText()));

    assertEquals(200, api.json("DELETE", "/v1/tools/weather", key, null).status());
    assertEquals(404, api.json("GET", "/v1/tools/weather", key, null).status());
  }

  @Test
  void badDeclarationsAreRefusedWithWhereTheyAreWrong() throws Exception {
    Reply builtIn = api.json("PUT", "/v1/tools/search", key, "{\"description\":\"x\",\"parameters\":{},\"url\":"
        + "\"http://127.0.0.1/\"}");
    assertEquals(400, builtIn.status());
    Reply schema = api.json("PUT", "/v1/tools/t", key, "{\"description\":\"x\",\"parameters\":{\"type\":5},\"url\":"
        + "\"http://127.0.0.1/\"}");
    assertEquals(400, schema.status(), schema.body().toString());
    assertEquals("/parameters", schema.body().path("details").path("pointer").asText(), schema.body().toString());
    Reply host = api.json("PUT", "/v1/tools/t", key, "{\"description\":\"x\",\"parameters\":{},\"url\":"
        + "\"https://elsewhere.example/x\"}");
    assertEquals(400, host.status());
    assertTrue(host.body().toString().contains("allow-list"), host.body().toString());
    Reply unknown = api.json("POST", "/v1/chat", rival, "{\"message\":\"weather?\",\"collections\":[\"secrets\"],"
        + "\"tools\":[\"weather\"]}");
    assertEquals(400, unknown.status(), "another tenant's tool is unknown here: " + unknown.body());
  }

  @Test
  void chatWithTheSearchToolCitesThePassagesTheModelRead() throws Exception {
    upstream.enqueue(ScriptedReply.toolCall("call_1", "search", "{\"query\":\"certificates expire\"}"),
        ScriptedReply.text("Cluster certificates expire after one year [1]."));
    Reply r = api.json("POST", "/v1/chat", key, "{\"message\":\"When do certificates expire?\",\"collections\":[\"ops\"],"
        + "\"tools\":[\"search\",\"get_document\"]}");
    assertEquals(200, r.status(), r.body().toString());
    assertEquals("Cluster certificates expire after one year [1].", r.body().path("answer").asText());
    JsonNode citation = r.body().path("citations").get(0);
    assertEquals("certs", citation.path("document_id").asText());
    assertEquals(CERTS.substring(citation.path("start").asInt(), citation.path("end").asInt()),
        citation.path("quote").asText());
    assertEquals("ok", r.body().path("tool_calls").get(0).path("outcome").asText());
    JsonNode toolMessage = upstreamBody(0).path("messages").get(upstreamBody(0).path("messages").size() - 1);
    assertTrue(toolMessage.path("content").asText().contains("expire after one year"), toolMessage.toString());
  }

  @Test
  void anotherTenantsSearchCannotReachTheFirstTenantsCollections() throws Exception {
    upstream.enqueue(ScriptedReply.toolCall("call_1", "search", "{\"query\":\"certificates\",\"collections\":[\"ops\"]}"),
        ScriptedReply.text("I found nothing."));
    Reply r = api.json("POST", "/v1/chat", rival, "{\"message\":\"When do certificates expire?\",\"collections\":"
        + "[\"secrets\"],\"tools\":[\"search\"]}");
    assertEquals(200, r.status(), r.body().toString());
    JsonNode call = r.body().path("tool_calls").get(0);
    assertEquals("error", call.path("outcome").asText());
    assertTrue(call.path("error").asText().contains("no collection named ops"), call.toString());
    assertFalse(upstreamBody(0).toString().contains("expire after one year"));
  }

  @Test
  void aTenantHttpToolGetsOnlyValidArgumentsAndItsAnswerGoesBackToTheModel() throws Exception {
    weatherCalls.clear();
    upstream.enqueue(ScriptedReply.toolCall("c1", "weather", "{\"city\":7}"),
        ScriptedReply.toolCall("c2", "weather", "{\"city\":\"Oslo\"}"),
        ScriptedReply.text("It is 21 degrees in Oslo."));
    Reply r = api.json("POST", "/v1/chat", key, "{\"message\":\"Weather in Oslo?\",\"collections\":[\"ops\"],"
        + "\"tools\":[\"weather\"]}");
    assertEquals(200, r.status(), r.body().toString());
    assertEquals(List.of("invalid_arguments", "ok"), r.body().path("tool_calls").findValuesAsText("outcome"));
    assertEquals(List.of("{\"city\":\"Oslo\"}"), weatherCalls);
    JsonNode last = upstreamBody(0).path("messages");
    assertEquals("{\"celsius\":21}", last.get(last.size() - 1).path("content").asText());
    assertEquals("It is 21 degrees in Oslo.", r.body().path("answer").asText());
  }

  private static ChatCompletionCreateParams.Builder lookup() {
    return ChatCompletionCreateParams.builder().model("small").addUserMessage("Find document x")
        .addFunctionTool(FunctionDefinition.builder().name("lookup").description("Looks a document up")
            .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("id", Map.of("type", "string")))).build())
            .build());
  }

  @Test
  void theOpenAiApiPassesToolsThroughAndReturnsTheModelsToolCallsForTheClientsLoop() throws Exception {
    upstream.enqueue(ScriptedReply.toolCall("call_9", "lookup", "{\"id\":\"x\"}").withFinish(
        dev.quarry.core.chat.FinishReason.TOOL_CALLS));
    ChatCompletion c = client.chat().completions().create(lookup().toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
        .build());
    JsonNode sent = upstreamBody(0);
    assertEquals("lookup", sent.path("tools").get(0).path("function").path("name").asText());
    assertEquals("required", sent.path("tool_choice").asText());
    assertEquals("tool_calls", c.choices().get(0).finishReason().asString());
    ChatCompletionMessageFunctionToolCall call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
    assertEquals("call_9", call.id());
    assertEquals("lookup", call.function().name());
    assertEquals("{\"id\":\"x\"}", call.function().arguments());

    upstream.enqueue(ScriptedReply.text("Document x is about otters."));
    ChatCompletion answer = client.chat().completions().create(lookup().addMessage(c.choices().get(0).message())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("call_9").content("{\"title\":\"otters\"}").build())
        .build());
    assertEquals("Document x is about otters.", answer.choices().get(0).message().content().orElseThrow());
    JsonNode messages = upstreamBody(0).path("messages");
    JsonNode assistant = messages.get(1);
    assertEquals("call_9", assistant.path("tool_calls").get(0).path("id").asText());
    assertEquals("tool", messages.get(2).path("role").asText());
    assertEquals("call_9", messages.get(2).path("tool_call_id").asText());
  }

  @Test
  void streamedToolCallsArriveAsDeltasTheClientAssembles() throws Exception {
    upstream.enqueue(ScriptedReply.toolCall("call_s", "lookup", "{\"id\":\"y\"}").withFinish(
        dev.quarry.core.chat.FinishReason.TOOL_CALLS));
    StringBuilder name = new StringBuilder();
    StringBuilder arguments = new StringBuilder();
    StringBuilder finish = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(lookup().build())) {
      s.stream().forEach(chunk -> chunk.choices().forEach(ch -> {
        ch.delta().toolCalls().ifPresent(calls -> calls.forEach(t -> t.function().ifPresent(f -> {
          f.name().ifPresent(name::append);
          f.arguments().ifPresent(arguments::append);
        })));
        ch.finishReason().ifPresent(f -> finish.append(f.asString()));
      }));
    }
    assertEquals("lookup", name.toString());
    assertEquals("{\"id\":\"y\"}", arguments.toString());
    assertEquals("tool_calls", finish.toString());
  }

  @Test
  @SuppressWarnings("deprecation") // _additionalProperties() is how the client exposes fields it does not model
  void quarryToolsRunTheLoopServerSideForARagModel() throws Exception {
    upstream.enqueue(ScriptedReply.toolCall("call_1", "search", "{\"query\":\"certificates expire\"}"),
        ScriptedReply.text("They expire after one year [1]."));
    ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("rag/ops")
        .addUserMessage("When do certificates expire?")
        .putAdditionalBodyProperty("quarry_tools", JsonValue.from(List.of("search"))).build());
    assertEquals("They expire after one year [1].", c.choices().get(0).message().content().orElseThrow());
    JsonNode q = JSON.valueToTree(c.choices().get(0).message()._additionalProperties().get("quarry").convert(Object.class));
    assertEquals("certs", q.path("citations").get(0).path("document_id").asText());
    assertEquals("search", q.path("tool_calls").get(0).path("name").asText());
  }
}
