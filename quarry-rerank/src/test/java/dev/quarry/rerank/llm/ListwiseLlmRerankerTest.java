package dev.quarry.rerank.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.observe.RequestDeadline;
import dev.quarry.core.search.RerankCandidate;
import dev.quarry.core.search.RerankOutcome;
import dev.quarry.llm.ModelCatalog;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.ModelConfig;
import dev.quarry.llm.config.Price;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.testing.RecordedRequest;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The listwise re-ranker: its reading of a model's answer (pure), and its calls through the real
 * OpenAI-compatible provider to a scripted upstream on loopback.
 */
class ListwiseLlmRerankerTest {

  ScriptedOpenAiServer upstream;
  ModelCatalog catalog;

  @BeforeEach
  void start() {
    upstream = ScriptedOpenAiServer.start();
    catalog = ModelCatalog.build(new LlmConfig(
        List.of(new ProviderConfig("up", ProviderKind.OPENAI, upstream.baseUrl(), Optional.empty(), Duration.ofSeconds(10))),
        List.of(new ModelConfig("plain", "up", "gpt-4o-mini", 8192, Price.FREE, Set.of(ModelCapability.STREAMING)),
            new ModelConfig("structured", "up", "gpt-4o-mini", 8192, Price.FREE,
                Set.of(ModelCapability.STREAMING, ModelCapability.JSON_SCHEMA))),
        LlmConfig.EXTRACTIVE), name -> Optional.empty(), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    catalog.close();
    upstream.close();
  }

  private ChatModel model(String name) {
    return catalog.model(name).orElseThrow();
  }

  private static int[] perm(String answer, int size) {
    return ListwiseLlmReranker.parsePermutation(answer, size).orElseThrow();
  }

  private static List<RerankCandidate> candidates(int n) {
    List<RerankCandidate> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new RerankCandidate("c" + i, "d" + i, "passage number " + i + " about topic " + (char) ('a' + i)));
    }
    return out;
  }

  private static LlmRerankerConfig config(int depth, int window, int step, Duration timeout) {
    return new LlmRerankerConfig(depth, window, step, 200, OptionalInt.empty(), timeout);
  }

  // --- reading answers -------------------------------------------------------------------------

  @Test
  void aJsonRankingIsReadAsOneBasedPassageNumbers() {
    assertArrayEquals(new int[] {2, 0, 1}, perm("{\"ranking\": [3, 1, 2]}", 3));
    assertArrayEquals(new int[] {1, 2, 0}, perm("[2, 3, 1]", 3));
    assertArrayEquals(new int[] {2, 0, 1}, perm("Here you go:\n```json\n{\"ranking\": [\"[3]\", \"1\", 2]}\n```", 3));
  }

  @Test
  void outOfRangeAndRepeatedNumbersAreSkippedAndMissingPassagesFollowInTheirOrder() {
    assertArrayEquals(new int[] {3, 1, 0, 2}, perm("{\"ranking\": [4, 0, 2, 9, 4, 2, -1]}", 4));
    assertArrayEquals(new int[] {1, 0, 2, 3}, perm("{\"ranking\": [2]}", 4));
  }

  @Test
  void plainTextIsReadByTheNumbersItNames() {
    assertArrayEquals(new int[] {1, 2, 0}, perm("[2] > [3] > [1]", 3));
    assertArrayEquals(new int[] {2, 0, 1}, perm("The most relevant is passage 3, then 1.", 3));
    // a JSON object without a ranking is read as text
    assertArrayEquals(new int[] {1, 0}, perm("{\"order\": [2, 1]}", 2));
  }

  @Test
  void anAnswerNamingNoPassageIsNoRanking() {
    assertTrue(ListwiseLlmReranker.parsePermutation("I cannot rank these.", 3).isEmpty());
    assertTrue(ListwiseLlmReranker.parsePermutation("{\"ranking\": []}", 3).isEmpty());
    assertTrue(ListwiseLlmReranker.parsePermutation("{\"ranking\": [7, 8]}", 3).isEmpty());
    assertTrue(ListwiseLlmReranker.parsePermutation("99999999999999999999", 3).isEmpty());
  }

  @Test
  void longTextsAreCutAtAWordBoundary() {
    String text = "alpha beta gamma delta epsilon";
    String cut = ListwiseLlmReranker.truncate(text, 16);
    assertEquals("alpha beta…", cut);
    assertTrue(cut.length() <= 16);
    assertEquals(text, ListwiseLlmReranker.truncate(text, 100));
  }

  // --- calls over the wire ---------------------------------------------------------------------

  @Test
  void oneWindowReordersByTheModelsRankingAndListsTheQueryAndNumberedPassages() {
    upstream.enqueue(ScriptedReply.text("[3] > [1] > [4] > [2]"));
    ListwiseLlmReranker r = new ListwiseLlmReranker(model("plain"), config(20, 20, 10, Duration.ofSeconds(5)));
    RerankOutcome out = r.score("which topic?", candidates(4));
    RerankOutcome.Scored s = assertInstanceOf(RerankOutcome.Scored.class, out);
    // position i of n scores n - i: c2 first, then c0, c3, c1
    assertEquals(List.of(3.0, 1.0, 4.0, 2.0), s.scores());
    assertEquals(1, upstream.requestCount());
    JsonNode body = upstream.lastRequest().json();
    assertFalse(body.has("response_format"), "a model without json_schema is asked in the prompt: " + body);
    String prompt = body.get("messages").get(1).get("content").asText();
    assertTrue(prompt.startsWith("Search query: which topic?"), prompt);
    assertTrue(prompt.contains("[1] passage number 0 about topic a\n[2] passage number 1"), prompt);
    assertTrue(prompt.contains("[4] passage number 3 about topic d\n"), prompt);
    assertEquals(0.0, body.get("temperature").asDouble());
    assertEquals(6 * 4 + 32, body.path("max_tokens").asInt(body.path("max_completion_tokens").asInt()));
  }

  @Test
  void aModelWithStructuredOutputIsGivenTheRankingSchema() {
    upstream.enqueue(ScriptedReply.text("{\"ranking\":[2,1]}"));
    ListwiseLlmReranker r = new ListwiseLlmReranker(model("structured"), config(20, 20, 10, Duration.ofSeconds(5)));
    RerankOutcome.Scored s = assertInstanceOf(RerankOutcome.Scored.class, r.score("q", candidates(2)));
    assertEquals(List.of(1.0, 2.0), s.scores());
    JsonNode format = upstream.lastRequest().json().get("response_format");
    assertEquals("json_schema", format.get("type").asText(), format.toString());
    assertEquals("ranking", format.get("json_schema").get("name").asText());
    assertEquals("integer",
        format.get("json_schema").get("schema").get("properties").get("ranking").get("items").get("type").asText());
  }

  @Test
  void candidatesPastTheDepthKeepTheirFusedOrderBelowTheRankedOnes() {
    upstream.enqueue(ScriptedReply.text("{\"ranking\":[3,2,1]}"));
    ListwiseLlmReranker r = new ListwiseLlmReranker(model("plain"), config(3, 20, 10, Duration.ofSeconds(5)));
    RerankOutcome.Scored s = assertInstanceOf(RerankOutcome.Scored.class, r.score("q", candidates(5)));
    assertEquals(List.of(3.0, 4.0, 5.0, 2.0, 1.0), s.scores());
    assertFalse(upstream.lastRequest().json().get("messages").get(1).get("content").asText().contains("[4]"));
  }

  /** Each window's answer ranks its passages by the topic letter, reversed: the last passage is best. */
  private static ScriptedReply reverseOf(RecordedRequest request) {
    String prompt = request.json().get("messages").get(1).get("content").asText();
    Matcher m = Pattern.compile("\\[(\\d+)] passage number (\\d+)").matcher(prompt);
    List<int[]> listed = new ArrayList<>();
    while (m.find()) {
      listed.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
    }
    listed.sort((a, b) -> Integer.compare(b[1], a[1]));
    return ScriptedReply.text("{\"ranking\":" + listed.stream().map(a -> String.valueOf(a[0])).toList() + "}");
  }

  @Test
  void slidingWindowsFromTheBottomBubbleTheBestCandidatesToTheTop() {
    upstream.respondWith(ListwiseLlmRerankerTest::reverseOf);
    // 10 candidates, windows of 4, step 2: [6,10) [4,8) [2,6) [0,4): 4 calls
    ListwiseLlmReranker r = new ListwiseLlmReranker(model("plain"), config(10, 4, 2, Duration.ofSeconds(5)));
    RerankOutcome.Scored s = assertInstanceOf(RerankOutcome.Scored.class, r.score("q", candidates(10)));
    assertEquals(4, upstream.requestCount());
    List<String> first = new ArrayList<>();
    upstream.requests().forEach(q -> first.add(q.json().get("messages").get(1).get("content").asText()
        .replaceAll("(?s).*?\\[1] passage number (\\d+).*", "$1")));
    assertEquals(List.of("6", "4", "2", "0"), first, "each window starts where the previous left its best");
    // the model prefers higher numbers: the best two bubble to the top in order
    List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    order.sort((a, b) -> Double.compare(s.scores().get(b), s.scores().get(a)));
    assertEquals(List.of(9, 8), order.subList(0, 2), "ranked: " + order);
  }

  @Test
  void anUpstreamErrorIsUnavailableWithAReason() {
    upstream.enqueue(ScriptedReply.status(500));
    ListwiseLlmReranker r = new ListwiseLlmReranker(model("plain"), config(20, 20, 10, Duration.ofSeconds(5)));
    RerankOutcome.Unavailable u = assertInstanceOf(RerankOutcome.Unavailable.class, r.score("q", candidates(3)));
    assertTrue(u.reason().startsWith("llm re-ranker on model 'plain' failed: "), u.reason());
  }

  @Test
  void anAnswerPastTheTimeoutIsUnavailableAndTheCallEndsByIt() {
    upstream.enqueue(ScriptedReply.text("[1]").withLatency(Duration.ofSeconds(5)));
    ListwiseLlmReranker r = new ListwiseLlmReranker(model("plain"), config(20, 20, 10, Duration.ofMillis(300)));
    long start = System.nanoTime();
    RerankOutcome.Unavailable u = assertInstanceOf(RerankOutcome.Unavailable.class, r.score("q", candidates(3)));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals("llm re-ranker on model 'plain' timed out after 300 ms", u.reason());
    assertTrue(millis < 3_000, "waited " + millis + " ms");
  }

  @Test
  void theRequestsDeadlineCutsALongerConfiguredTimeout() {
    upstream.enqueue(ScriptedReply.text("[1]").withLatency(Duration.ofSeconds(5)));
    ListwiseLlmReranker r = new ListwiseLlmReranker(model("plain"), config(20, 20, 10, Duration.ofSeconds(30)));
    long start = System.nanoTime();
    RerankOutcome outcome = RequestDeadline.within(Instant.now().plusMillis(300), () -> r.score("q", candidates(3)));
    long millis = (System.nanoTime() - start) / 1_000_000;
    RerankOutcome.Unavailable u = assertInstanceOf(RerankOutcome.Unavailable.class, outcome);
    assertTrue(u.reason().matches("llm re-ranker on model 'plain' timed out after \\d+ ms "
        + "\\(what was left of the request's deadline\\)"), u.reason());
    assertTrue(millis < 3_000, "waited " + millis + " ms");
  }

  @Test
  void anAnswerNamingNoPassageIsUnavailableAndQuotesIt() {
    upstream.enqueue(ScriptedReply.text("Sorry, I can't help with that."));
    ListwiseLlmReranker r = new ListwiseLlmReranker(model("plain"), config(20, 20, 10, Duration.ofSeconds(5)));
    RerankOutcome.Unavailable u = assertInstanceOf(RerankOutcome.Unavailable.class, r.score("q", candidates(3)));
    assertEquals("llm re-ranker on model 'plain' answered no ranking of passages 1..3: "
        + "\"Sorry, I can't help with that.\"", u.reason());
  }

  @Test
  void aSingleCandidateNeedsNoCall() {
    ListwiseLlmReranker r = new ListwiseLlmReranker(model("plain"), config(20, 20, 10, Duration.ofSeconds(5)));
    assertEquals(List.of(1.0), assertInstanceOf(RerankOutcome.Scored.class, r.score("q", candidates(1))).scores());
    assertEquals(0, upstream.requestCount());
  }
}
