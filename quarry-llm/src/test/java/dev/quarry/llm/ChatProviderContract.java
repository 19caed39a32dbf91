package dev.quarry.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.FinishReason;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.chat.ToolCall;
import dev.quarry.core.chat.ToolSpec;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.core.error.ErrorCode;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.ModelException;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.ModelConfig;
import dev.quarry.llm.config.Price;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.testing.ScriptedReply;
import dev.quarry.llm.testing.ScriptedServer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every remote chat provider must do, run against its scripted server on loopback: the answer
 * whole and streamed, tool calls, usage, and every fault the server can inject, mapped to
 * {@link ModelException}s; cancellation closes the upstream connection within 100 ms.
 */
public abstract class ChatProviderContract {

  static final Set<ModelCapability> ALL = EnumSet.allOf(ModelCapability.class);
  static final Duration CLOSE_WITHIN = Duration.ofMillis(100);

  protected ScriptedServer server;
  private final List<ModelCatalog> catalogs = new ArrayList<>();

  protected abstract ScriptedServer startServer();

  protected abstract ProviderKind kind();

  @BeforeEach
  protected void start() {
    server = startServer();
  }

  @AfterEach
  protected void stop() {
    catalogs.forEach(ModelCatalog::close);
    server.close();
  }

  protected ChatModel model(Set<ModelCapability> capabilities, Duration timeout) {
    return model(server.baseUrl(), capabilities, timeout);
  }

  protected ChatModel model(URI baseUrl, Set<ModelCapability> capabilities, Duration timeout) {
    var provider = new ProviderConfig("upstream", kind(), baseUrl, Optional.of("UPSTREAM_API_KEY"), timeout);
    var model = new ModelConfig("small", "upstream", "llama-3.1-8b-instruct", 8192, Price.FREE, capabilities);
    var catalog = ModelCatalog.build(new LlmConfig(List.of(provider), List.of(model), "small"),
        name -> Optional.ofNullable(Map.of("UPSTREAM_API_KEY", "sk-test").get(name)), Clock.systemUTC());
    catalogs.add(catalog);
    return catalog.model("small").orElseThrow();
  }

  protected ChatModel model() {
    return model(ALL, Duration.ofSeconds(10));
  }

  protected static ChatRequest ask(String question) {
    return ask(question, Duration.ofSeconds(10));
  }

  protected static ChatRequest ask(String question, Duration within) {
    return ChatRequest.of(List.of(ChatMessage.system("Answer briefly."), ChatMessage.user(question)),
        Instant.now().plus(within));
  }

  static ModelException fails(Runnable call) {
    return assertThrows(ModelException.class, call::run);
  }

  @Test
  void streamsTheTextInOrderWithTheUsageAndTimeToFirstToken() {
    server.enqueue(ScriptedReply.text("The ", "answer ", "is ", "42.").withUsage(17, 4, 0)
        .withFirstTokenAfter(Duration.ofMillis(150)));
    List<String> deltas = new ArrayList<>();
    ChatResponse r = model().generate(ask("What is the answer?"), deltas::add);
    assertEquals(List.of("The ", "answer ", "is ", "42."), deltas);
    assertEquals("The answer is 42.", r.text());
    assertEquals(FinishReason.STOP, r.finishReason());
    assertEquals(new TokenUsage(17, 4, 0, false), r.usage());
    assertEquals("llama-3.1-8b-instruct", r.upstreamModel());
    assertTrue(r.timeToFirstToken().orElseThrow().toMillis() >= 140, "ttft " + r.timeToFirstToken());
    assertTrue(server.lastRequest().streaming());
  }

  @Test
  void answersWholeWhenTheCallerIgnoresTheStreamOrTheModelCannotStream() {
    server.enqueue(ScriptedReply.text("Hello", " there").withUsage(9, 2, 0), ScriptedReply.text("Once", " more"));
    ChatResponse r = model().generate(ask("Hi"), ChatStream.IGNORE);
    assertEquals("Hello there", r.text());
    assertEquals(new TokenUsage(9, 2, 0, false), r.usage());
    assertFalse(server.lastRequest().streaming());
    assertTrue(r.timeToFirstToken().isEmpty());

    List<String> deltas = new ArrayList<>();
    ChatResponse whole = model(Set.of(), Duration.ofSeconds(10)).generate(ask("Again"), deltas::add);
    assertFalse(server.lastRequest().streaming());
    assertEquals(List.of("Once more"), deltas, "a model that does not stream hands over the whole text once");
    assertEquals("Once more", whole.text());
  }

  @Test
  void reportsTheFinishReasonAndTheUpstreamModelName() {
    server.enqueue(ScriptedReply.text("cut", " short").withFinish(FinishReason.LENGTH).withModel("llama-3.1-8b-q4"));
    ChatResponse r = model().generate(ask("Tell me everything"), ChatStream.IGNORE);
    assertEquals(FinishReason.LENGTH, r.finishReason());
    assertEquals("llama-3.1-8b-q4", r.upstreamModel());
    server.enqueue(ScriptedReply.text("cut").withFinish(FinishReason.LENGTH));
    assertEquals(FinishReason.LENGTH, model().generate(ask("Again"), d -> { }).finishReason());
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void assemblesToolCallsStreamedOrWhole(boolean streamed) {
    server.enqueue(ScriptedReply.text("Let me look.")
        .withToolCall("call_1", "search", "{\"query\": \"vector databases\", \"k\": 5}")
        .withToolCall("call_2", "get_document", "{\"id\": \"doc-7\"}"));
    ChatRequest request = new ChatRequest(List.of(ChatMessage.user("Find it")), OptionalInt.empty(),
        OptionalDouble.empty(), List.of(new ToolSpec("search", "Search a collection",
            "{\"type\": \"object\", \"properties\": {\"query\": {\"type\": \"string\"}}}"),
            new ToolSpec("get_document", "Fetch a document", "{\"type\": \"object\"}")),
        Optional.empty(), Instant.now().plusSeconds(10));
    ChatResponse r = model().generate(request, streamed ? d -> { } : ChatStream.IGNORE);
    assertEquals(FinishReason.TOOL_CALLS, r.finishReason());
    assertEquals("Let me look.", r.text());
    assertEquals(normalise(List.of(new ToolCall("call_1", "search", "{\"query\": \"vector databases\", \"k\": 5}"),
        new ToolCall("call_2", "get_document", "{\"id\": \"doc-7\"}"))), normalise(r.toolCalls()));
  }

  /** Arguments compared as JSON: Anthropic sends them as an object, which comes back re-serialised. */
  static List<ToolCall> normalise(List<ToolCall> calls) {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    return calls.stream().map(c -> {
      try {
        return new ToolCall(c.id(), c.name(), json.readTree(c.arguments()).toString());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new AssertionError("arguments are not JSON: " + c.arguments(), e);
      }
    }).toList();
  }

  @Test
  void toolsAndSchemasAreRefusedForAModelWithoutTheCapability() {
    ChatModel plain = model(Set.of(ModelCapability.STREAMING), Duration.ofSeconds(5));
    ChatRequest withTools = new ChatRequest(List.of(ChatMessage.user("x")), OptionalInt.empty(), OptionalDouble.empty(),
        List.of(new ToolSpec("search", "Search", "{\"type\": \"object\"}")), Optional.empty(), Instant.now().plusSeconds(5));
    var e = assertThrows(InvalidInputException.class, () -> plain.generate(withTools, ChatStream.IGNORE));
    assertTrue(e.getMessage().contains("tools capability"), e.getMessage());
    assertTrue(server.requests().isEmpty(), "nothing was sent");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void rateLimitingIsRetryableAfterTheDelayTheUpstreamAsksFor(boolean streamed) {
    server.enqueue(ScriptedReply.rateLimited("7"));
    ModelException e = fails(() -> model().generate(ask("Hi"), streamed ? d -> { } : ChatStream.IGNORE));
    assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, e.code());
    assertEquals(OptionalInt.of(429), e.upstreamStatus());
    assertEquals(Optional.of(Duration.ofSeconds(7)), e.retryAfter());
    assertFalse(e.isAfterFirstToken());
    assertTrue(e.getMessage().contains("429"), e.getMessage());

    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));
    server.enqueue(ScriptedReply.rateLimited(date));
    Duration after = fails(() -> model().generate(ask("Hi"), ChatStream.IGNORE)).retryAfter().orElseThrow();
    assertTrue(after.compareTo(Duration.ofSeconds(27)) >= 0 && after.compareTo(Duration.ofSeconds(31)) <= 0, "" + after);
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 504})
  void serverErrorsAreRetryable(int status) {
    server.enqueue(ScriptedReply.status(status));
    ModelException e = fails(() -> model().generate(ask("Hi"), d -> { }));
    assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, e.code());
    assertEquals(OptionalInt.of(status), e.upstreamStatus());
    assertTrue(e.retryAfter().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 404, 422})
  void otherClientErrorsAreRejectedWithTheUpstreamsMessage(int status) {
    server.enqueue(ScriptedReply.status(status));
    ModelException e = fails(() -> model().generate(ask("Hi"), d -> { }));
    assertEquals(ErrorCode.UPSTREAM_REJECTED, e.code());
    assertEquals(OptionalInt.of(status), e.upstreamStatus());
    assertTrue(e.getMessage().contains("scripted failure " + status), e.getMessage());
  }

  @Test
  void aMalformedWholeAnswerIsRejected() {
    server.enqueue(ScriptedReply.text("x").malformedAfter(0));
    ModelException e = fails(() -> model().generate(ask("Hi"), ChatStream.IGNORE));
    assertEquals(ErrorCode.UPSTREAM_REJECTED, e.code());
    assertTrue(e.getMessage().contains("malformed"), e.getMessage());
  }

  @Test
  void aMalformedStreamIsRejectedAndSaysWhetherTextHadBeenStreamed() {
    server.enqueue(ScriptedReply.text("a", "b").malformedAfter(0), ScriptedReply.text("a", "b", "c").malformedAfter(2));
    ModelException before = fails(() -> model().generate(ask("Hi"), d -> { }));
    assertEquals(ErrorCode.UPSTREAM_REJECTED, before.code());
    assertFalse(before.isAfterFirstToken());
    List<String> deltas = new ArrayList<>();
    ModelException after = fails(() -> model().generate(ask("Hi"), deltas::add));
    assertEquals(ErrorCode.UPSTREAM_REJECTED, after.code());
    assertTrue(after.isAfterFirstToken());
    assertEquals(List.of("a", "b"), deltas);
  }

  @Test
  void aStreamCutBeforeItsFirstTokenIsRetryable() {
    server.enqueue(ScriptedReply.text("never", " sent").cutAfter(0));
    ModelException e = fails(() -> model().generate(ask("Hi"), d -> { }));
    assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, e.code());
    assertFalse(e.isAfterFirstToken());
    assertEquals(TokenUsage.NONE, e.partialUsage());
  }

  @Test
  void aStreamCutAfterItsFirstTokenCarriesThePartialUsageCountedWithTheTokenizer() {
    server.enqueue(ScriptedReply.text("Retrieval ", "augmented ", "generation ", "never ", "finished").cutAfter(3));
    List<String> deltas = new ArrayList<>();
    ModelException e = fails(() -> model().generate(ask("What is RAG?"), deltas::add));
    assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, e.code());
    assertTrue(e.isAfterFirstToken());
    assertEquals(List.of("Retrieval ", "augmented ", "generation "), deltas);
    TokenUsage partial = e.partialUsage();
    assertTrue(partial.counted());
    TokenCounter counter = TokenCounter.forModel("llama-3.1-8b-instruct");
    assertEquals(counter.count("Retrieval augmented generation "), partial.outputTokens());
    assertTrue(partial.inputTokens() > 0);
    assertEquals(expectedCutInput(counter, ask("What is RAG?")), partial.inputTokens());
  }

  /** The input tokens of a cut stream: counted, unless the protocol reported them before the cut. */
  protected abstract long expectedCutInput(TokenCounter counter, ChatRequest request);

  @Test
  void aConnectionClosedBeforeTheAnswerIsRetryable() {
    server.enqueue(ScriptedReply.text("never").cutAfter(0));
    ModelException e = fails(() -> model().generate(ask("Hi"), ChatStream.IGNORE));
    assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, e.code());
    assertTrue(e.getMessage().contains("connection"), e.getMessage());
    assertEquals(1, server.requests().size(), "a POST is not resent by the client on its own");
  }

  @Test
  void anErrorEventMidStreamIsRetryableAndMarkedAfterTheFirstToken() {
    server.enqueue(ScriptedReply.text("one", " two", " three").errorAfter(2));
    ModelException e = fails(() -> model().generate(ask("Hi"), d -> { }));
    assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, e.code());
    assertTrue(e.isAfterFirstToken());
    assertTrue(e.getMessage().contains("mid-stream"), e.getMessage());
  }

  @Test
  void aRefusedConnectionIsRetryable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ChatModel nowhere = model(URI.create("http://127.0.0.1:" + port + "/v1"), ALL, Duration.ofSeconds(2));
    ModelException e = fails(() -> nowhere.generate(ask("Hi"), d -> { }));
    assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, e.code());
    assertTrue(e.getMessage().contains("connect"), e.getMessage());
  }

  @Test
  void theProvidersTimeoutBoundsAnUpstreamThatDoesNotAnswerAndReleasesTheConnection() throws Exception {
    server.enqueue(ScriptedReply.text("late").withLatency(Duration.ofSeconds(3)));
    ChatModel impatient = model(ALL, Duration.ofMillis(300));
    long t0 = System.nanoTime();
    ModelException e = fails(() -> impatient.generate(ask("Hi"), d -> { }));
    long failedAt = System.nanoTime();
    long took = TimeUnit.NANOSECONDS.toMillis(failedAt - t0);
    assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, e.code());
    assertTrue(e.getMessage().contains("timeout of 300ms"), e.getMessage());
    assertTrue(took >= 290 && took < 2000, "took " + took + " ms");
    var gone = server.awaitAbandoned(Duration.ofSeconds(2)).orElseThrow(() -> new AssertionError("the connection stayed open"));
    assertTrue(gone.nanoTime() - failedAt < CLOSE_WITHIN.toNanos(),
        "closed " + TimeUnit.NANOSECONDS.toMillis(gone.nanoTime() - failedAt) + " ms after the timeout");
  }

  @Test
  void theRequestDeadlineEndsASlowStreamAndReleasesTheConnection() throws Exception {
    server.enqueue(ScriptedReply.text("slow", " and", " steady", " loses").withTokensPerSecond(2));
    long t0 = System.nanoTime();
    ModelException e = fails(() -> model().generate(ask("Hi", Duration.ofMillis(700)), d -> { }));
    long failedAt = System.nanoTime();
    long took = TimeUnit.NANOSECONDS.toMillis(failedAt - t0);
    assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, e.code());
    assertTrue(e.getMessage().contains("deadline"), e.getMessage());
    assertTrue(e.isAfterFirstToken());
    assertTrue(took >= 650 && took < 1500, "took " + took + " ms");
    var gone = server.awaitAbandoned(Duration.ofSeconds(2)).orElseThrow(() -> new AssertionError("the connection stayed open"));
    assertTrue(gone.nanoTime() - failedAt < CLOSE_WITHIN.toNanos(),
        "closed " + TimeUnit.NANOSECONDS.toMillis(gone.nanoTime() - failedAt) + " ms after the deadline failure");
  }

  @Test
  void interruptingTheCallerClosesTheUpstreamConnectionWithin100ms() throws Exception {
    server.enqueue(ScriptedReply.text("a", "b", "c", "d", "e", "f").withTokensPerSecond(2));
    ChatModel m = model();
    CountDownLatch firstDelta = new CountDownLatch(1);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    Thread caller = Thread.ofVirtual().start(() -> {
      try {
        m.generate(ask("Hi"), d -> firstDelta.countDown());
      } catch (Throwable t) {
        outcome.set(t);
      }
      stillInterrupted.set(Thread.currentThread().isInterrupted());
    });
    assertTrue(firstDelta.await(5, TimeUnit.SECONDS));
    long t0 = System.nanoTime();
    caller.interrupt();
    var gone = server.awaitAbandoned(Duration.ofSeconds(2)).orElseThrow(() -> new AssertionError("the connection stayed open"));
    long ms = TimeUnit.NANOSECONDS.toMillis(gone.nanoTime() - t0);
    assertTrue(gone.nanoTime() - t0 < CLOSE_WITHIN.toNanos(), "closed " + ms + " ms after the interrupt");
    caller.join(Duration.ofSeconds(20)); // the failure counts the partial usage: the first count loads the encoding
    assertFalse(caller.isAlive());
    ModelException e = assertInstanceOf(ModelException.class, outcome.get());
    assertTrue(e.isAfterFirstToken());
    assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
    assertTrue(stillInterrupted.get(), "the interrupt status is kept");
  }

  @Test
  void aStreamThatThrowsCancelsTheCallAndClosesTheConnectionWithin100ms() throws Exception {
    server.enqueue(ScriptedReply.text("a", "b", "c", "d", "e").withTokensPerSecond(4));
    RuntimeException clientGone = new IllegalStateException("client disconnected");
    long[] thrownAt = new long[1];
    var thrown = assertThrows(IllegalStateException.class, () -> model().generate(ask("Hi"), d -> {
      if (d.equals("b")) {
        thrownAt[0] = System.nanoTime();
        throw clientGone;
      }
    }));
    assertSame(clientGone, thrown);
    var gone = server.awaitAbandoned(Duration.ofSeconds(2)).orElseThrow(() -> new AssertionError("the connection stayed open"));
    long ms = TimeUnit.NANOSECONDS.toMillis(gone.nanoTime() - thrownAt[0]);
    assertTrue(gone.nanoTime() - thrownAt[0] < CLOSE_WITHIN.toNanos(), "closed " + ms + " ms after the stream threw");
    assertTrue(gone.tokensSent() >= 2, "the server had sent the tokens up to the cancel, got " + gone.tokensSent());
  }

  @Test
  void thirtyTwoConcurrentStreamsAllFinishWithTheirOwnText() throws Exception {
    server.respondByDefault(ScriptedReply.text("one ", "two ", "three ", "four ", "five")
        .withFirstTokenAfter(Duration.ofMillis(300)).withTokensPerSecond(50));
    ChatModel m = model();
    int clients = 32;
    List<Thread> threads = new ArrayList<>();
    List<Long> addedMillis = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < clients; i++) {
      threads.add(Thread.ofVirtual().start(() -> {
        try {
          StringBuilder text = new StringBuilder();
          ChatResponse r = m.generate(ask("Count to five"), text::append);
          assertEquals("one two three four five", text.toString());
          addedMillis.add(r.timeToFirstToken().orElseThrow().toMillis() - 300);
        } catch (Throwable t) {
          errors.add(t);
        }
      }));
    }
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(30));
    }
    assertEquals(List.of(), errors);
    assertEquals(clients, addedMillis.size());
    List<Long> sorted = addedMillis.stream().sorted().toList();
    long p95 = sorted.get((int) Math.ceil(0.95 * clients) - 1);
    assertTrue(sorted.getFirst() >= -5, "no first token before the upstream sent it: " + sorted);
    System.out.println(getClass().getSimpleName() + ": 32 concurrent streams, time to first token beyond the upstream's 300 ms: P95 "
        + p95 + " ms, max " + sorted.getLast() + " ms");
  }

  @Test
  void aFinishedCallLeavesItsConnectionForTheNext() {
    server.enqueue(ScriptedReply.text("one"), ScriptedReply.text("two"), ScriptedReply.text("three"));
    ChatModel m = model();
    assertEquals("one", m.generate(ask("1"), d -> { }).text());
    assertEquals("two", m.generate(ask("2"), ChatStream.IGNORE).text());
    assertEquals("three", m.generate(ask("3"), d -> { }).text());
    assertEquals(1, server.connectionsAccepted(), "keep-alive: one connection served all three");
  }
}
