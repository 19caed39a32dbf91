package dev.quarry.runtime.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.chat.ResponseFormat;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.InvalidModelOutputException;
import dev.quarry.llm.ModelCatalog;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.ModelConfig;
import dev.quarry.llm.config.Price;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.testing.RecordedRequest;
import dev.quarry.llm.testing.ScriptedAnthropicServer;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import dev.quarry.llm.testing.ScriptedServer;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Structured calls through real providers at the wire: native formats, validation, the one repair, the typed error. */
class StructuredCallTest {

  static final ResponseFormat PERSON = new ResponseFormat("person", """
      {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},
       "required":["name","age"],"additionalProperties":false}""", true);
  static final OutputSchema SCHEMA = OutputSchema.of(PERSON);

  ScriptedServer upstream;
  ModelCatalog catalog;

  @AfterEach
  void stop() {
    catalog.close();
    upstream.close();
  }

  private ChatModel model(ScriptedServer server, ProviderKind kind, ModelCapability... capabilities) {
    upstream = server;
    catalog = ModelCatalog.build(new LlmConfig(
        List.of(new ProviderConfig("up", kind, server.baseUrl(), Optional.empty(), Duration.ofSeconds(5))),
        List.of(new ModelConfig("m", "up", "up-model", 8192, new Price(BigDecimal.ONE, BigDecimal.TEN),
            Set.of(capabilities))), "m"), name -> Optional.empty(), Clock.systemUTC());
    return catalog.model("m").orElseThrow();
  }

  private static ChatRequest ask() {
    return ChatRequest.of(List.of(ChatMessage.system("You extract people."), ChatMessage.user("Ada, 36")),
        Instant.now().plus(Duration.ofSeconds(10)));
  }

  private static StructuredCall.Result call(ChatModel m, OutputSchema schema) {
    return StructuredCall.call(ask(), schema, "m", r -> m.generate(r, ChatStream.IGNORE));
  }

  @Test
  void aValidAnswerTakesOneCallAndTheSchemaGoesOutNatively() {
    ChatModel m = model(ScriptedOpenAiServer.start(), ProviderKind.OPENAI, ModelCapability.JSON_SCHEMA);
    upstream.enqueue(ScriptedReply.text("{\"name\":", "\"Ada\",\"age\":36}\n").withUsage(10, 5, 0));
    StructuredCall.Result r = call(m, SCHEMA);
    assertEquals("{\"name\":\"Ada\",\"age\":36}", r.json());
    assertEquals(1, r.calls());
    assertEquals(1, upstream.requests().size());
    JsonNode format = upstream.lastRequest().json().path("response_format");
    assertEquals("json_schema", format.path("type").asText());
    assertEquals("person", format.path("json_schema").path("name").asText());
    assertTrue(format.path("json_schema").path("strict").asBoolean());
    assertEquals("integer", format.path("json_schema").path("schema").path("properties").path("age").path("type").asText());
    String system = upstream.lastRequest().json().path("messages").path(0).path("content").asText();
    assertTrue(system.startsWith("You extract people.") && system.endsWith(RepairPrompt.JSON_ONLY), system);
  }

  @Test
  void anInvalidAnswerIsRepairedOnceWithItsViolations() {
    ChatModel m = model(ScriptedOpenAiServer.start(), ProviderKind.OPENAI, ModelCapability.JSON_SCHEMA);
    upstream.enqueue(ScriptedReply.text("{\"name\":\"Ada\",\"age\":-36}").withUsage(10, 5, 0),
        ScriptedReply.text("{\"name\":\"Ada\",\"age\":36}").withUsage(20, 6, 0));
    StructuredCall.Result r = call(m, SCHEMA);
    assertEquals("{\"name\":\"Ada\",\"age\":36}", r.json());
    assertEquals(2, r.calls());
    assertEquals(30, r.usage().inputTokens());
    assertEquals(11, r.usage().outputTokens());
    JsonNode messages = upstream.lastRequest().json().path("messages");
    assertEquals(4, messages.size());
    assertEquals("assistant", messages.path(2).path("role").asText());
    assertEquals("{\"name\":\"Ada\",\"age\":-36}", messages.path(2).path("content").asText());
    assertTrue(messages.path(3).path("content").asText().contains("- /age: "), messages.path(3).toString());
    assertEquals("json_schema", upstream.lastRequest().json().path("response_format").path("type").asText());
  }

  @Test
  void anAnswerStillInvalidAfterTheRepairIsTheTypedErrorWithItsViolations() {
    ChatModel m = model(ScriptedOpenAiServer.start(), ProviderKind.OPENAI, ModelCapability.JSON_SCHEMA);
    upstream.enqueue(ScriptedReply.text("{\"name\":\"Ada\""), ScriptedReply.text("{\"name\":7,\"age\":36,\"x\":1}"));
    InvalidModelOutputException e = assertThrows(InvalidModelOutputException.class, () -> call(m, SCHEMA));
    assertEquals(2, upstream.requests().size());
    assertEquals("m", e.model());
    List<String> pointers = e.violations().stream().map(InvalidModelOutputException.Violation::pointer).sorted().toList();
    assertEquals(List.of("", "/name"), pointers, e.violations().toString());
    assertTrue(e.getMessage().contains("response_format 'person'"), e.getMessage());
  }

  @Test
  void jsonObjectGoesOutAsOpenAisJsonObjectModeAndAcceptsAnyObjectOnly() {
    ChatModel m = model(ScriptedOpenAiServer.start(), ProviderKind.OPENAI, ModelCapability.JSON_SCHEMA);
    upstream.enqueue(ScriptedReply.text("[1, 2]"), ScriptedReply.text("{\"any\":[1, 2]}"));
    StructuredCall.Result r = call(m, OutputSchema.of(ResponseFormat.jsonObject()));
    assertEquals("{\"any\":[1, 2]}", r.json());
    assertEquals(2, r.calls());
    RecordedRequest first = upstream.requests().getFirst();
    assertEquals("{\"type\":\"json_object\"}", first.json().path("response_format").toString());
    assertTrue(first.json().path("messages").path(0).path("content").asText().contains("JSON object"));
  }

  @Test
  void anthropicGetsTheSchemaAsItsOutputFormatAndJsonObjectByInstructionOnly() {
    ChatModel m = model(ScriptedAnthropicServer.start(), ProviderKind.ANTHROPIC, ModelCapability.JSON_SCHEMA);
    upstream.enqueue(ScriptedReply.text("{\"name\":\"Ada\",\"age\":36}"), ScriptedReply.text("{}"));
    assertEquals(1, call(m, SCHEMA).calls());
    JsonNode format = upstream.lastRequest().json().path("output_config").path("format");
    assertEquals("json_schema", format.path("type").asText());
    assertEquals("object", format.path("schema").path("type").asText());
    assertTrue(upstream.lastRequest().json().path("system").asText().endsWith(RepairPrompt.JSON_ONLY));

    assertEquals("{}", call(m, OutputSchema.of(ResponseFormat.jsonObject())).json());
    assertTrue(upstream.lastRequest().json().path("output_config").isMissingNode());
    assertTrue(upstream.lastRequest().json().path("system").asText().endsWith(RepairPrompt.JSON_OBJECT));
  }

  @Test
  void aModelWithoutTheJsonSchemaCapabilityIsNeverAsked() {
    ChatModel m = model(ScriptedOpenAiServer.start(), ProviderKind.OPENAI, ModelCapability.STREAMING);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> call(m, SCHEMA));
    assertTrue(e.getMessage().contains("model 'm'") && e.getMessage().contains("json_schema capability"),
        e.getMessage());
    assertFalse(upstream.requests().iterator().hasNext(), "no request reached the upstream");
  }
}
