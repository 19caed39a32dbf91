package dev.quarry.llm.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatRole;
import dev.quarry.core.chat.ResponseFormat;
import dev.quarry.core.chat.ToolCall;
import dev.quarry.core.chat.ToolSpec;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.llm.ChatProviderContract;
import dev.quarry.llm.TokenCounter;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.testing.ScriptedAnthropicServer;
import dev.quarry.llm.testing.ScriptedReply;
import dev.quarry.llm.testing.ScriptedServer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AnthropicChatModelTest extends ChatProviderContract {

  @Override
  protected ScriptedServer startServer() {
    return ScriptedAnthropicServer.start();
  }

  @Override
  protected ProviderKind kind() {
    return ProviderKind.ANTHROPIC;
  }

  /** message_start reported the input (the scripted server counts words) before the cut. */
  @Override
  protected long expectedCutInput(TokenCounter counter, ChatRequest request) {
    return request.messages().stream().mapToLong(m -> m.content().trim().split("\\s+").length).sum();
  }

  @Test
  void sendsAMessagesRequestWithTheSystemPromptOnTopAndToolTurnsAsBlocks() {
    server.enqueue(ScriptedReply.text("ok"));
    ChatRequest request = new ChatRequest(List.of(
        ChatMessage.system("You answer from the context."),
        ChatMessage.system("Cite passages."),
        ChatMessage.user("Find the doc"),
        new ChatMessage(ChatRole.ASSISTANT, "Searching.", List.of(new ToolCall("toolu_1", "search", "{\"q\":\"x\"}"),
            new ToolCall("toolu_2", "search", "{\"q\":\"y\"}")), Optional.empty()),
        ChatMessage.toolResult("toolu_1", "[1] first"),
        ChatMessage.toolResult("toolu_2", "[2] second")),
        OptionalInt.empty(), OptionalDouble.of(0.5),
        List.of(new ToolSpec("search", "Search a collection", "{\"type\":\"object\"}")),
        Optional.of(new ResponseFormat("answer", "{\"type\":\"object\"}", true)),
        Instant.now().plusSeconds(10));
    model().generate(request, d -> { });
    var sent = server.lastRequest();
    assertEquals("/v1/messages", sent.path());
    assertEquals(Optional.of("sk-test"), sent.header("x-api-key"));
    assertEquals(Optional.of(AnthropicChatProtocol.VERSION), sent.header("anthropic-version"));
    assertTrue(sent.header("Authorization").isEmpty());
    JsonNode body = sent.json();
    assertEquals("You answer from the context.\n\nCite passages.", body.path("system").asText());
    assertEquals(4096, body.path("max_tokens").asInt(), "the protocol requires max_tokens: the default is sent");
    assertEquals(0.5, body.path("temperature").asDouble());
    assertTrue(body.path("stream").asBoolean());
    JsonNode messages = body.path("messages");
    assertEquals(3, messages.size(), "system left out; the two tool results share one user turn");
    assertEquals("user", messages.get(0).path("role").asText());
    assertEquals("Find the doc", messages.get(0).path("content").asText());
    JsonNode assistant = messages.get(1);
    assertEquals("assistant", assistant.path("role").asText());
    assertEquals("text", assistant.path("content").get(0).path("type").asText());
    assertEquals("tool_use", assistant.path("content").get(1).path("type").asText());
    assertEquals("toolu_1", assistant.path("content").get(1).path("id").asText());
    assertEquals("x", assistant.path("content").get(1).path("input").path("q").asText());
    JsonNode results = messages.get(2);
    assertEquals("user", results.path("role").asText());
    assertEquals("tool_result", results.path("content").get(0).path("type").asText());
    assertEquals("toolu_2", results.path("content").get(1).path("tool_use_id").asText());
    assertEquals("[2] second", results.path("content").get(1).path("content").asText());
    assertEquals("search", body.path("tools").get(0).path("name").asText());
    assertEquals("object", body.path("tools").get(0).path("input_schema").path("type").asText());
    assertEquals("json_schema", body.path("output_config").path("format").path("type").asText());
    assertEquals("object", body.path("output_config").path("format").path("schema").path("type").asText());
  }

  @Test
  void cacheReadsCountAsInputAndAsCached() {
    server.enqueue(ScriptedReply.text("ok").withUsage(1000, 1, 800), ScriptedReply.text("ok").withUsage(1000, 1, 800));
    assertEquals(new TokenUsage(1000, 1, 800, false), model().generate(ask("Hi"), d -> { }).usage());
    assertEquals(new TokenUsage(1000, 1, 800, false), model().generate(ask("Hi"), dev.quarry.core.chat.ChatStream.IGNORE).usage());
  }

  @Test
  void theToolChoiceIsSentInAnthropicsShape() {
    List<ToolSpec> tools = List.of(new ToolSpec("search", "Search", "{\"type\":\"object\"}"));
    for (var c : List.of(dev.quarry.core.chat.ToolChoice.REQUIRED, dev.quarry.core.chat.ToolChoice.function("search"))) {
      server.enqueue(ScriptedReply.text("ok"));
      model().generate(new ChatRequest(List.of(ChatMessage.user("Find it")), OptionalInt.empty(), OptionalDouble.empty(),
          tools, Optional.empty(), Instant.now().plusSeconds(10), Optional.of(c), Optional.empty()), d -> { });
    }
    assertEquals("any", server.requests().get(0).json().path("tool_choice").path("type").asText());
    JsonNode named = server.requests().get(1).json().path("tool_choice");
    assertEquals("tool", named.path("type").asText());
    assertEquals("search", named.path("name").asText());
  }
}
