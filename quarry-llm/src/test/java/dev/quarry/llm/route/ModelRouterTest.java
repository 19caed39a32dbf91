package dev.quarry.llm.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.chat.PromptTokenBound;
import dev.quarry.core.chat.ResponseFormat;
import dev.quarry.core.chat.ToolSpec;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.ModelException;
import dev.quarry.llm.ModelCatalog;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.ModelConfig;
import dev.quarry.llm.config.Price;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.config.ResilienceConfig;
import dev.quarry.llm.config.RouteConfig;
import dev.quarry.llm.config.RouteStrategy;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which model of a route serves a request, and why the others were skipped; against a scripted upstream. */
class ModelRouterTest {

  static final Set<ModelCapability> STREAMING = Set.of(ModelCapability.STREAMING);
  static final ToolSpec TOOL = new ToolSpec("search", "Searches", "{\"type\": \"object\"}");

  ScriptedOpenAiServer upstream;
  ModelCatalog catalog;

  @BeforeEach
  void start() {
    upstream = ScriptedOpenAiServer.start();
    ProviderConfig p = new ProviderConfig("up", ProviderKind.OPENAI, upstream.baseUrl(), Optional.empty(),
        Duration.ofSeconds(5));
    LlmConfig config = new LlmConfig(List.of(p), List.of(
        new ModelConfig("tiny", "up", "m-tiny", 64, price("0.1", "0.1"), STREAMING),
        new ModelConfig("plain", "up", "m-plain", 8192, price("1", "2"), STREAMING),
        new ModelConfig("tooled", "up", "m-tooled", 8192, price("5", "10"),
            Set.of(ModelCapability.STREAMING, ModelCapability.TOOLS, ModelCapability.JSON_SCHEMA)),
        new ModelConfig("whole", "up", "m-whole", 8192, Price.FREE, Set.of())),
        List.of(new RouteConfig("ordered", List.of("tiny", "plain", "tooled"), RouteStrategy.ORDERED),
            new RouteConfig("thrifty", List.of("tooled", "plain", "tiny"), RouteStrategy.CHEAPEST),
            new RouteConfig("wholes", List.of("whole"), RouteStrategy.ORDERED)),
        "ordered", new ResilienceConfig(Duration.ofSeconds(5), 3, Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofMillis(500), 20, 10, 50, Duration.ofSeconds(30), 3));
    catalog = ModelCatalog.build(config, n -> Optional.empty(), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    catalog.close();
    upstream.close();
  }

  static Price price(String in, String out) {
    return new Price(new BigDecimal(in), new BigDecimal(out));
  }

  ChatModel route(String name) {
    return catalog.routed(name).orElseThrow();
  }

  static ChatRequest ask(String text) {
    return ChatRequest.of(List.of(ChatMessage.user(text)), Instant.now().plusSeconds(10));
  }

  static ChatRequest ask(String text, int maxTokens, List<ToolSpec> tools, Optional<BigDecimal> cap) {
    return new ChatRequest(List.of(ChatMessage.user(text)), OptionalInt.of(maxTokens), OptionalDouble.empty(), tools,
        Optional.empty(), Instant.now().plusSeconds(10), Optional.empty(), cap);
  }

  String served() {
    return upstream.lastRequest().json().path("model").asText();
  }

  static String longPrompt() {
    return "word ".repeat(200);
  }

  @Test
  void theFirstModelThatFitsServes() {
    route("ordered").generate(ask("hello"), ChatStream.IGNORE);
    assertEquals("m-tiny", served());

    route("ordered").generate(ask(longPrompt()), ChatStream.IGNORE);
    assertEquals("m-plain", served(), "tiny's 64-token window cannot hold the prompt");

    route("ordered").generate(ask("hello", 10, List.of(TOOL), Optional.empty()), ChatStream.IGNORE);
    assertEquals("m-tooled", served(), "only tooled takes tools");
    assertEquals(3, upstream.requestCount(), "skipped models are not called");
  }

  @Test
  void aSchemaRequestGoesToAModelWithJsonSchema() {
    ChatRequest r = new ChatRequest(List.of(ChatMessage.user("hello")), OptionalInt.of(10), OptionalDouble.empty(),
        List.of(), Optional.of(new ResponseFormat("answer", "{\"type\": \"object\"}", true)),
        Instant.now().plusSeconds(10));
    route("ordered").generate(r, ChatStream.IGNORE);
    assertEquals("m-tooled", served());
  }

  @Test
  void theCheapestStrategyTriesTheCheapestFittingModelFirst() {
    route("thrifty").generate(ask("hello", 10, List.of(), Optional.empty()), ChatStream.IGNORE);
    assertEquals("m-tiny", served());
    route("thrifty").generate(ask(longPrompt(), 10, List.of(), Optional.empty()), ChatStream.IGNORE);
    assertEquals("m-plain", served(), "tiny does not fit; plain is cheaper than tooled");
  }

  @Test
  void aCostCapSkipsModelsWhoseWorstCaseCostsMore() {
    // 200 words ~ 200+ tokens at 1/Mtok in + 1000 out at 2/Mtok: about 0.0022 on plain, 0.011 on tooled
    route("ordered").generate(ask(longPrompt(), 1000, List.of(), Optional.of(new BigDecimal("0.005"))),
        ChatStream.IGNORE);
    assertEquals("m-plain", served());

    InvalidInputException e = assertThrows(InvalidInputException.class, () -> route("ordered").generate(
        ask(longPrompt(), 1000, List.of(), Optional.of(new BigDecimal("0.001"))), ChatStream.IGNORE));
    assertTrue(e.getMessage().startsWith("route ordered: no model can serve this request: tiny: the prompt ("),
        e.getMessage());
    assertTrue(e.getMessage().contains("plain: its worst case ("), e.getMessage());
    assertTrue(e.getMessage().contains("tooled: its worst case ("), e.getMessage());
    assertTrue(e.getMessage().contains("above max_cost 0.001"), e.getMessage());
  }

  @Test
  void whenNoModelFitsTheRefusalSaysWhyForEach() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> route("thrifty").generate(
        ask(longPrompt(), 8100, List.of(TOOL), Optional.empty()), ChatStream.IGNORE));
    assertTrue(e.getMessage().matches("route thrifty: no model can serve this request: tooled: the prompt \\(\\d+ tokens\\) "
        + "plus max_tokens \\(8100\\) does not fit its context window of 8192 tokens; plain: lacks the tools capability; "
        + "tiny: lacks the tools capability"), e.getMessage());
    assertEquals(0, upstream.requestCount());
  }

  @Test
  void aStreamedCallSkipsARoutesModelsThatCannotStreamButAModelNamedDirectlyAnswersWhole() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> route("wholes").generate(ask("hello"), text -> { }));
    assertEquals("route wholes: no model can serve this request: whole: lacks the streaming capability", e.getMessage());

    StringBuilder streamed = new StringBuilder();
    upstream.enqueue(ScriptedReply.text("all ", "at ", "once"));
    route("whole").generate(ask("hello"), streamed::append);
    assertEquals("all at once", streamed.toString());
    assertTrue(!upstream.lastRequest().streaming());
  }

  @Test
  void aRefusedRequestIsNotRetriedButTheNextModelIsTried() {
    upstream.enqueue(ScriptedReply.status(400), ScriptedReply.text("second"));
    assertEquals("second", route("ordered").generate(ask("hello"), ChatStream.IGNORE).text());
    assertEquals(List.of("m-tiny", "m-plain"),
        upstream.requests().stream().map(r -> r.json().path("model").asText()).toList());
  }

  @Test
  void aRetryWaitsAtLeastWhatRetryAfterAsks() {
    upstream.enqueue(ScriptedReply.status(503).withHeader("retry-after-ms", "150"), ScriptedReply.text("later"));
    long t0 = System.nanoTime();
    assertEquals("later", route("tiny").generate(ask("hello"), ChatStream.IGNORE).text());
    assertTrue(System.nanoTime() - t0 >= 150_000_000L, "waited the 150ms asked for");
    assertEquals(2, upstream.requestCount());
  }

  @Test
  void aRetryAfterLongerThanTheLongestWaitMovesOnAtOnce() {
    upstream.enqueue(ScriptedReply.rateLimited("30"), ScriptedReply.text("next model"));
    long t0 = System.nanoTime();
    assertEquals("next model", route("ordered").generate(ask("hello"), ChatStream.IGNORE).text());
    assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
    assertEquals(List.of("m-tiny", "m-plain"),
        upstream.requests().stream().map(r -> r.json().path("model").asText()).toList());
  }

  @Test
  void retriesStopAtMaxAttemptsAndNeverPassTheDeadline() {
    upstream.respondWith(r -> ScriptedReply.status(500));
    ModelException e = assertThrows(ModelException.class, () -> route("tiny").generate(ask("hello"), ChatStream.IGNORE));
    assertEquals(3, upstream.requestCount(), "max_attempts 3");
    assertTrue(e.getMessage().contains("500"), e.getMessage());

    ChatRequest soon = ChatRequest.of(List.of(ChatMessage.user("hi")), Instant.now().plusMillis(300));
    upstream.respondWith(r -> ScriptedReply.status(503).withHeader("retry-after-ms", "400"));
    int before = upstream.requestCount();
    long t0 = System.nanoTime();
    assertThrows(ModelException.class, () -> route("plain").generate(soon, ChatStream.IGNORE));
    assertEquals(before + 1, upstream.requestCount(), "a wait past the deadline is not begun");
    assertTrue(System.nanoTime() - t0 < 300_000_000L);
  }

  @Test
  void whenEveryModelFailsTheRouteFailsWithEachReason() {
    upstream.respondWith(r -> ScriptedReply.status(502));
    ModelException e = assertThrows(ModelException.class, () -> route("ordered").generate(ask("hello"), ChatStream.IGNORE));
    assertEquals("ordered", e.model());
    assertTrue(e.getMessage().startsWith("route ordered: every model failed or is unavailable: model tiny: "), e.getMessage());
    assertTrue(e.getMessage().contains("; model plain: ") && e.getMessage().contains("; model tooled: "), e.getMessage());
  }

  @Test
  void thePromptsByteBoundIsNeverBelowItsTokenCount() {
    List<String> texts = List.of("hello", longPrompt(), "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00fcber",
        "\u6771\u4eac\u306f\u65e5\u672c\u306e\u9996\u90fd\u3067\u3059\u3002", "emoji \ud83d\ude00\ud83d\ude80 end",
        "[1] Cluster certificates expire after one year.\n\n[2] The autoscaler adds replicas.\n");
    for (String model : List.of("gpt-4o-mini", "llama-3.1-8b-instruct")) {
      dev.quarry.llm.TokenCounter tokens = dev.quarry.llm.TokenCounter.forModel(model);
      for (String t : texts) {
        ChatRequest r = new ChatRequest(List.of(ChatMessage.system("Answer from the passages."), ChatMessage.user(t)),
            OptionalInt.of(10), OptionalDouble.empty(), List.of(TOOL), Optional.empty(), Instant.now().plusSeconds(10));
        int exact = tokens.countPrompt(r.messages()) + tokens.count(TOOL.name()) + tokens.count(TOOL.description())
            + tokens.count(TOOL.parametersSchema());
        assertTrue(ModelRouter.promptBound(r, tokens.encodingName()) >= exact, model + ": bound " + ModelRouter.promptBound(r, tokens.encodingName())
            + " < " + exact + " tokens for: " + t);
      }
    }
  }

  @Test
  void aPromptLongerInBytesThanTheWindowIsStillCountedAndServedWhenItsTokensFit() {
    // 120 bytes, far fewer tokens: the byte bound does not fit tiny's 64-token window, the count does
    ChatRequest r = ask("wonderful ".repeat(12));
    assertTrue(ModelRouter.promptBound(r, "o200k_base") > 64);
    route("ordered").generate(r, ChatStream.IGNORE);
    assertEquals("m-tiny", served());
  }

  @Test
  void aCallersPromptBoundOfTheSameEncodingSparesTheCountButAnOverLongPromptIsStillRefused() {
    String encoding = dev.quarry.llm.TokenCounter.forModel("m-tiny").encodingName();
    ChatRequest fits = ask("wonderful ".repeat(12)); // 120 bytes, fewer tokens than tiny's 64
    assertTrue(ModelRouter.promptBound(fits, encoding) > 64);
    ChatRequest stated = fits.withPromptBound(new PromptTokenBound(encoding, 20));
    assertEquals(20, ModelRouter.promptBound(stated, encoding), "the caller's count, not the bytes");
    assertTrue(ModelRouter.promptBound(fits.withPromptBound(new PromptTokenBound("another_base", 20)), encoding) > 64,
        "a count made with another tokenizer is not trusted");
    route("tiny").generate(stated, ChatStream.IGNORE);
    assertEquals("m-tiny", served());

    ChatRequest tooLong = ask(longPrompt()).withPromptBound(new PromptTokenBound(encoding, 210));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> route("tiny").generate(tooLong, ChatStream.IGNORE));
    assertTrue(e.getMessage().contains("does not fit its context window of 64 tokens"), e.getMessage());
    ChatRequest misled = ask(longPrompt()).withPromptBound(new PromptTokenBound("another_base", 10));
    assertThrows(InvalidInputException.class, () -> route("tiny").generate(misled, ChatStream.IGNORE),
        "a bound of another encoding does not let an over-long prompt through");
    int requests = upstream.requestCount();
    assertEquals(1, requests, "refused prompts are not sent");
  }
}
