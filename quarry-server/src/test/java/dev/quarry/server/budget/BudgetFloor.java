package dev.quarry.server.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.llm.TokenCounter;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.ModelConfig;
import dev.quarry.llm.config.Price;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The budget floor of issue 9: 50 parallel model calls, half of them streamed, through the
 * OpenAI-compatible proxy, against a budget whose tokens per day allow exactly 10 of them at their
 * worst case; the upstream reports exactly the worst case as usage, so nothing a reservation held
 * is released early and more than 10 could only pass by overspending.
 */
final class BudgetFloor {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String UPSTREAM_MODEL = "gpt-4o-mini"; // jtokkit knows it: the prompt is counted exactly
  static final int MAX_TOKENS = 16;
  static final String QUESTION = "Summarise the release notes in one line";
  static final int REQUESTS = 50;
  static final int ALLOWED = 10;

  private BudgetFloor() {}

  static LlmConfig llm(ScriptedOpenAiServer upstream) {
    return new LlmConfig(
        List.of(new ProviderConfig("up", ProviderKind.OPENAI, upstream.baseUrl(), Optional.empty(), Duration.ofSeconds(10))),
        List.of(new ModelConfig("small", "up", UPSTREAM_MODEL, 8192, new Price(BigDecimal.ONE, BigDecimal.TWO),
            Set.of(ModelCapability.STREAMING))), LlmConfig.EXTRACTIVE);
  }

  /** The prompt tokens Quarry counts for {@link #QUESTION}, as the metering does. */
  static long promptTokens() {
    return TokenCounter.forModel(UPSTREAM_MODEL).countPrompt(List.of(ChatMessage.user(QUESTION)));
  }

  static long worstCase() {
    return promptTokens() + MAX_TOKENS;
  }

  /** {@link #MAX_TOKENS} one-token pieces, usage reported as the worst case, slow enough for the calls to overlap. */
  static ScriptedReply reply() {
    String[] tokens = new String[MAX_TOKENS];
    java.util.Arrays.fill(tokens, " the");
    return ScriptedReply.text(tokens).withUsage(promptTokens(), MAX_TOKENS, 0).withLatency(Duration.ofMillis(50));
  }

  record Outcome(int status, boolean streamed, String body, Optional<String> retryAfter) {
    boolean answered() {
      return status == 200 && !body.contains("budget_exceeded") && !body.contains("\"error\"");
    }

    boolean refused() {
      return body.contains("budget_exceeded");
    }
  }

  /** Sends the 50 requests at once, spread over {@code ports} round-robin; each outcome. */
  static List<Outcome> run(List<Integer> ports, String key) throws Exception {
    HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        boolean stream = i % 2 == 1;
        int port = ports.get(i % ports.size());
        all.add(pool.submit(() -> {
          go.await();
          String body = "{\"model\":\"small\",\"max_tokens\":" + MAX_TOKENS + ",\"stream\":" + stream
              + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}]}";
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                  + "/v1/chat/completions")).header("Authorization", "Bearer " + key)
              .header("Content-Type", "application/json").timeout(Duration.ofMinutes(2))
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
          outcomes.add(new Outcome(r.statusCode(), stream, r.body(), r.headers().firstValue("Retry-After")));
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : all) {
        f.get();
      }
    }
    return outcomes;
  }

  /** Every outcome is an answer or a budget refusal; at most the budget was spent; the usage says so. */
  static void check(List<Outcome> outcomes, JsonNode usage, long budget, int upstreamCalls) {
    assertEquals(REQUESTS, outcomes.size());
    long answered = outcomes.stream().filter(Outcome::answered).count();
    long refused = outcomes.stream().filter(Outcome::refused).count();
    assertEquals(REQUESTS, answered + refused, "every call was answered or refused by the budget: " + outcomes);
    assertEquals(ALLOWED, answered, "the budget allows exactly " + ALLOWED + " worst cases");
    assertTrue(outcomes.stream().anyMatch(o -> o.streamed() && o.refused()), "streams were refused too");
    for (Outcome o : outcomes) {
      if (o.refused() && !o.streamed()) {
        assertEquals(429, o.status(), o.body());
        assertTrue(o.retryAfter().isPresent(), "a refusal says when to retry");
      }
    }
    assertEquals(answered, upstreamCalls, "refused calls never reached the upstream");
    JsonNode small = usage.get("models").get(0);
    assertEquals("small", small.get("model").asText());
    long spent = small.get("input_tokens").asLong() + small.get("output_tokens").asLong();
    assertTrue(spent <= budget, "spent " + spent + " tokens of a budget of " + budget);
    assertEquals(answered, small.get("calls").asLong());
    assertEquals(budget, spent, "ten worst cases fill the budget exactly");
  }
}
