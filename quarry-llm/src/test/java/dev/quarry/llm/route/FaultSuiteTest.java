package dev.quarry.llm.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ModelCapability;
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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fault suite, against two scripted OpenAI-compatible upstreams on loopback: a primary
 * that fails 30% of calls and a healthy fallback, behind the route {@code chain}. Time is a test
 * clock moved 10ms per request, so that breakers open for 1s (100 requests) and recover without the
 * test waiting; retries' backoff (1-2ms) is real.
 */
class FaultSuiteTest {

  static final int REQUESTS = 1000;
  static final Duration STEP = Duration.ofMillis(10);
  static final ResilienceConfig RESILIENCE = new ResilienceConfig(Duration.ofSeconds(5), 2, Duration.ofMillis(1),
      Duration.ofMillis(2), Duration.ofMillis(50), 20, 10, 25, Duration.ofSeconds(1), 5);

  ScriptedOpenAiServer primary;
  ScriptedOpenAiServer fallback;
  TestClock clock;
  ModelCatalog catalog;
  ChatModel chain;

  @BeforeEach
  void start() {
    primary = ScriptedOpenAiServer.start();
    fallback = ScriptedOpenAiServer.start();
    fallback.respondByDefault(ScriptedReply.text("from ", "fallback"));
    clock = new TestClock();
    Set<ModelCapability> caps = Set.of(ModelCapability.STREAMING);
    LlmConfig config = new LlmConfig(
        List.of(provider("a", primary), provider("b", fallback)),
        List.of(new ModelConfig("primary", "a", "gpt-4o-mini", 8192, Price.FREE, caps),
            new ModelConfig("fallback", "b", "gpt-4o-mini", 8192, Price.FREE, caps)),
        List.of(new RouteConfig("chain", List.of("primary", "fallback"), RouteStrategy.ORDERED)), "chain", RESILIENCE);
    catalog = ModelCatalog.build(config, n -> Optional.empty(), clock);
    chain = catalog.routed("chain").orElseThrow();
  }

  @AfterEach
  void stop() {
    catalog.close();
    primary.close();
    fallback.close();
  }

  static ProviderConfig provider(String name, ScriptedOpenAiServer server) {
    return new ProviderConfig(name, ProviderKind.OPENAI, server.baseUrl(), Optional.empty(), Duration.ofSeconds(5));
  }

  ChatRequest ask() {
    return ChatRequest.of(List.of(ChatMessage.user("Say something")), clock.instant().plusSeconds(30));
  }

  String breaker() {
    return catalog.health().status().stream().filter(s -> s.model().equals("primary")).findFirst().orElseThrow().state();
  }

  /** What the suite saw: requests that failed, requests begun with the breaker not closed, and how many of those reached the primary. */
  record Tally(int failures, int afterFirstToken, int whileOpen, int openReachedPrimary, boolean opened) {}

  Tally run(Supplier<ScriptedReply> primaryReply, boolean streamed) {
    Random random = new Random(42);
    primary.respondWith(r -> random.nextDouble() < 0.3 ? primaryReply.get() : ScriptedReply.text("from ", "primary"));
    int failures = 0;
    int afterFirstToken = 0;
    int whileOpen = 0;
    int openReached = 0;
    boolean opened = false;
    for (int i = 0; i < REQUESTS; i++) {
      clock.advance(STEP);
      String state = breaker();
      int before = primary.requestCount();
      int total = before + fallback.requestCount();
      StringBuilder streamedText = new StringBuilder();
      try {
        ChatResponse r = chain.generate(ask(), streamed ? streamedText::append : dev.quarry.core.chat.ChatStream.IGNORE);
        assertTrue(r.text().startsWith("from "), r.text());
      } catch (ModelException e) {
        failures++;
        if (e.isAfterFirstToken()) {
          afterFirstToken++;
          assertEquals(1, primary.requestCount() + fallback.requestCount() - total,
              "a stream cut after its first token is not retried, nor sent to the fallback");
          assertTrue(e.partialUsage().outputTokens() >= 1, "the partial usage is reported: " + e.partialUsage());
          assertEquals("from ", streamedText.toString());
        }
      }
      if (!state.equals("closed")) {
        opened = true;
        whileOpen++;
        openReached += primary.requestCount() > before ? 1 : 0;
      }
    }
    return new Tally(failures, afterFirstToken, whileOpen, openReached, opened);
  }

  @Test
  void fiveHundredsFromThePrimaryNeverReachTheClientAndTheBreakerKeepsMostCallsAway() {
    Tally t = run(() -> ScriptedReply.status(500), false);
    System.out.println("fault suite, 500: " + t);

    assertEquals(0, t.failures(), "no failure reaches the client: " + t);
    assertTrue(t.opened(), "the breaker opened: " + t);
    assertTrue(t.openReachedPrimary() < 0.1 * t.whileOpen(), "while open, fewer than 10% reach the primary: " + t);
    recoveryClosesTheBreaker();
  }

  @Test
  void rateLimitsWithRetryAfterAreHonouredAndNeverReachTheClient() {
    Tally t = run(() -> ScriptedReply.status(429).withHeader("retry-after-ms", "3"), false);
    System.out.println("fault suite, 429: " + t);

    assertEquals(0, t.failures(), "no failure reaches the client: " + t);
    assertTrue(t.opened(), "the breaker opened: " + t);
    assertTrue(t.openReachedPrimary() < 0.1 * t.whileOpen(), "while open, fewer than 10% reach the primary: " + t);
    recoveryClosesTheBreaker();
  }

  @Test
  void streamsCutAfterTheirFirstTokenEndInAnErrorWithTheirUsageAndAreNotRetried() {
    Tally t = run(() -> ScriptedReply.text("from ", "primary").cutAfter(1), true);
    System.out.println("fault suite, cut: " + t);

    assertTrue(t.afterFirstToken() > 0, "some streams were cut: " + t);
    assertEquals(t.failures(), t.afterFirstToken(), "the only failures the client sees are the cut streams: " + t);
    assertTrue(t.opened(), "cut streams count against the breaker, which opened: " + t);
    assertTrue(t.openReachedPrimary() < 0.1 * t.whileOpen(), "while open, fewer than 10% reach the primary: " + t);
    recoveryClosesTheBreaker();
  }

  /** The primary heals: once the breaker's open time passes, half-open probes succeed and close it. */
  void recoveryClosesTheBreaker() {
    primary.respondWith(r -> ScriptedReply.text("from ", "primary"));
    for (int i = 0; i < 200 && !breaker().equals("open"); i++) {
      primary.respondWith(r -> ScriptedReply.status(500));
      clock.advance(STEP);
      chain.generate(ask(), dev.quarry.core.chat.ChatStream.IGNORE);
    }
    assertEquals("open", breaker(), "a failing primary opens the breaker");
    primary.respondWith(r -> ScriptedReply.text("from ", "primary"));
    int before = primary.requestCount();
    chain.generate(ask(), dev.quarry.core.chat.ChatStream.IGNORE);
    assertEquals(before, primary.requestCount(), "open: the primary is not called");
    clock.advance(RESILIENCE.openFor().plus(STEP));
    for (int i = 0; i < RESILIENCE.halfOpenCalls(); i++) {
      assertFalse(breaker().equals("closed"), "still probing after " + i + " probes");
      ChatResponse r = chain.generate(ask(), dev.quarry.core.chat.ChatStream.IGNORE);
      assertEquals("from primary", r.text(), "probe " + i + " reaches the healed primary");
    }
    assertEquals("closed", breaker(), "the probes' success closes the breaker");
    assertEquals(before + RESILIENCE.halfOpenCalls(), primary.requestCount());
  }
}
