package dev.quarry.llm.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.ResponseFormat;
import dev.quarry.core.chat.ToolCall;
import dev.quarry.core.chat.ToolSpec;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.llm.TokenCounter;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import dev.quarry.llm.testing.ScriptedServer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import dev.quarry.llm.ChatProviderContract;
import org.junit.jupiter.api.Test;

class OpenAiChatModelTest extends ChatProviderContract {

  @Override
  protected ScriptedServer startServer() {
    return ScriptedOpenAiServer.start();
  }

  @Override
  protected ProviderKind kind() {
    return ProviderKind.OPENAI;
  }

  @Override
  protected long expectedCutInput(TokenCounter counter, ChatRequest request) {
    return counter.countPrompt(request.messages());
  }

  @Test
  void sendsTheChatCompletionsRequestOpenAiClientsSend() {
    server.enqueue(ScriptedReply.text("ok"));
    ChatRequest request = new ChatRequest(List.of(
        ChatMessage.system("You answer from the context."),
        ChatMessage.user("Find the doc"),
        new ChatMessage(dev.quarry.core.chat.ChatRole.ASSISTANT, "", List.of(new ToolCall("call_9", "search", "{\"q\":\"x\"}")),
            Optional.empty()),
        ChatMessage.toolResult("call_9", "[1] the passage")),
        OptionalInt.of(256), OptionalDouble.of(0.2),
        List.of(new ToolSpec("search", "Search a collection", "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}")),
        Optional.of(new ResponseFormat("answer", "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}", true)),
        Instant.now().plusSeconds(10));
    model().generate(request, d -> { });
    var sent = server.lastRequest();
    assertEquals("POST", sent.method());
    assertEquals("/v1/chat/completions", sent.path());
    assertEquals(Optional.of("Bearer sk-test"), sent.header("Authorization"));
    assertEquals(Optional.of("application/json"), sent.header("Content-Type"));
    JsonNode body = sent.json();
    assertEquals("llama-3.1-8b-instruct", body.path("model").asText());
    assertEquals(256, body.path("max_tokens").asInt());
    assertEquals(0.2, body.path("temperature").asDouble());
    assertTrue(body.path("stream").asBoolean());
    assertTrue(body.path("stream_options").path("include_usage").asBoolean());
    JsonNode messages = body.path("messages");
    assertEquals(List.of("system", "user", "assistant", "tool"),
        List.of(messages.get(0).path("role").asText(), messages.get(1).path("role").asText(),
            messages.get(2).path("role").asText(), messages.get(3).path("role").asText()));
    assertTrue(messages.get(2).path("content").isNull(), "an assistant turn with only tool calls has null content");
    JsonNode call = messages.get(2).path("tool_calls").get(0);
    assertEquals("call_9", call.path("id").asText());
    assertEquals("function", call.path("type").asText());
    assertEquals("search", call.path("function").path("name").asText());
    assertEquals("{\"q\":\"x\"}", call.path("function").path("arguments").asText());
    assertEquals("call_9", messages.get(3).path("tool_call_id").asText());
    JsonNode tool = body.path("tools").get(0);
    assertEquals("function", tool.path("type").asText());
    assertEquals("search", tool.path("function").path("name").asText());
    assertEquals("string", tool.path("function").path("parameters").path("properties").path("q").path("type").asText());
    JsonNode format = body.path("response_format");
    assertEquals("json_schema", format.path("type").asText());
    assertEquals("answer", format.path("json_schema").path("name").asText());
    assertTrue(format.path("json_schema").path("strict").asBoolean());
    assertEquals("object", format.path("json_schema").path("schema").path("type").asText());
  }

  @Test
  void aWholeRequestLeavesStreamingOptionsOut() {
    server.enqueue(ScriptedReply.text("ok"));
    model().generate(ask("Hi"), ChatStream.IGNORE);
    JsonNode body = server.lastRequest().json();
    assertFalse(body.path("stream").asBoolean());
    assertTrue(body.path("stream_options").isMissingNode());
    assertTrue(body.path("max_tokens").isMissingNode(), "no max_tokens unless asked");
  }

  @Test
  void usageTheUpstreamDoesNotSendIsCountedAndMarkedSo() {
    server.enqueue(ScriptedReply.text("Counted ", "by ", "Quarry").withoutUsage());
    ChatResponse r = model().generate(ask("Who counts?"), d -> { });
    TokenCounter counter = TokenCounter.forModel("llama-3.1-8b-instruct");
    assertEquals(new TokenUsage(counter.countPrompt(ask("Who counts?").messages()), counter.count("Counted by Quarry"), 0, true),
        r.usage());
  }

  @Test
  void aWholeAnswerWithOnlyToolCallsHasNoText() {
    server.enqueue(ScriptedReply.toolCall("call_1", "search", "{\"q\":\"x\"}"));
    ChatRequest request = new ChatRequest(List.of(ChatMessage.user("Find it")), OptionalInt.empty(), OptionalDouble.empty(),
        List.of(new ToolSpec("search", "Search", "{\"type\":\"object\"}")), Optional.empty(), Instant.now().plusSeconds(10));
    ChatResponse r = model().generate(request, ChatStream.IGNORE);
    assertTrue(server.lastRequest().body().contains("\"tools\""));
    assertEquals("", r.text(), "content null is no text");
    assertEquals(List.of(new ToolCall("call_1", "search", "{\"q\":\"x\"}")), r.toolCalls());
  }

  @Test
  void cachedPromptTokensAreReported() {
    server.enqueue(ScriptedReply.text("ok").withUsage(1000, 1, 800));
    assertEquals(new TokenUsage(1000, 1, 800, false), model().generate(ask("Hi"), d -> { }).usage());
  }

  @Test
  void theToolChoiceIsSentInOpenAisShape() {
    List<ToolSpec> tools = List.of(new ToolSpec("search", "Search", "{\"type\":\"object\"}"));
    for (var c : List.of(dev.quarry.core.chat.ToolChoice.REQUIRED, dev.quarry.core.chat.ToolChoice.function("search"))) {
      server.enqueue(ScriptedReply.text("ok"));
      model().generate(new ChatRequest(List.of(ChatMessage.user("Find it")), OptionalInt.empty(), OptionalDouble.empty(),
          tools, Optional.empty(), Instant.now().plusSeconds(10), Optional.of(c), Optional.empty()), ChatStream.IGNORE);
    }
    assertEquals("required", server.requests().get(0).json().path("tool_choice").asText());
    JsonNode named = server.requests().get(1).json().path("tool_choice");
    assertEquals("function", named.path("type").asText());
    assertEquals("search", named.path("function").path("name").asText());
  }

  @Test
  void theServerRecordsWhenEachStreamedResponseWasReceivedAndItsFirstTokenSent() throws InterruptedException {
    server.enqueue(ScriptedReply.text("a", "b", "c").withFirstTokenAfter(java.time.Duration.ofMillis(120))
        .withTokensPerSecond(50));
    List<String> deltas = new java.util.ArrayList<>();
    long before = System.nanoTime();
    model().generate(ask("Stream it"), deltas::add);
    long after = System.nanoTime();
    ScriptedServer.Served served = server.awaitServed(1, java.time.Duration.ofSeconds(5)).getLast();
    assertEquals("/v1/chat/completions", served.request().path());
    // doneNanos is taken after the server's last write returns, which may come after the client has
    // read that write (seen in CI): the first token, though, was sent before the client finished
    assertTrue(before <= served.receivedNanos() && served.firstTokenNanos() <= after, "times on this JVM's clock");
    long firstTokenMs = (served.firstTokenNanos() - served.receivedNanos()) / 1_000_000;
    assertTrue(firstTokenMs >= 120, "first token " + firstTokenMs + " ms after the request");
    assertTrue(served.doneNanos() - served.firstTokenNanos() >= 2 * 20_000_000L, "two more tokens at 50/s");
    assertEquals(List.of("a", "b", "c"), deltas.stream().filter(d -> !d.isEmpty()).toList());
  }
}
