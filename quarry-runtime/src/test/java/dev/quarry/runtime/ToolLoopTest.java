package dev.quarry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.chat.ToolSpec;
import dev.quarry.core.observe.ToolInvocation.Outcome;
import dev.quarry.llm.ModelCatalog;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.ModelConfig;
import dev.quarry.llm.config.Price;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import dev.quarry.runtime.cite.Citation;
import dev.quarry.runtime.cite.SentenceCiter;
import dev.quarry.runtime.retrieve.HybridRetriever;
import dev.quarry.runtime.retrieve.Source;
import dev.quarry.runtime.tools.GetDocumentTool;
import dev.quarry.runtime.tools.SearchTool;
import dev.quarry.runtime.tools.TenantSources;
import dev.quarry.runtime.tools.Tool;
import dev.quarry.runtime.tools.ToolBox;
import dev.quarry.runtime.tools.ToolCallRecord;
import dev.quarry.runtime.tools.ToolLoop;
import dev.quarry.runtime.tools.ToolLoopSettings;
import dev.quarry.runtime.tools.ToolOutput;
import dev.quarry.runtime.tools.ToolRun;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tool loop against a scripted OpenAI-compatible upstream and a real engine. */
class ToolLoopTest {

  @TempDir static Path dir;
  static TestCorpus corpus;
  static final ObjectMapper JSON = new ObjectMapper();

  ScriptedOpenAiServer upstream;
  ModelCatalog catalog;
  AnswerModels models;
  RecordingStages stages = new RecordingStages();

  @BeforeAll
  static void openCorpus() {
    corpus = TestCorpus.open(dir);
  }

  @AfterAll
  static void closeCorpus() {
    corpus.close();
  }

  @BeforeEach
  void startUpstream() {
    upstream = ScriptedOpenAiServer.start();
    catalog = ModelCatalog.build(new LlmConfig(
        List.of(new ProviderConfig("up", ProviderKind.OPENAI, upstream.baseUrl(), Optional.empty(), Duration.ofSeconds(5))),
        List.of(new ModelConfig("small", "up", "llama-3.1-8b-instruct", 8192, new Price(BigDecimal.ONE, BigDecimal.TEN),
            Set.of(ModelCapability.STREAMING, ModelCapability.TOOLS))), "small"), name -> Optional.empty(),
        Clock.systemUTC());
    models = new AnswerModels(catalog, AnswerSettings.DEFAULT);
  }

  @AfterEach
  void stopUpstream() {
    catalog.close();
    upstream.close();
  }

  private TenantSources ops() {
    return new TenantSources() {
      @Override
      public Optional<Source> find(String name) {
        return name.equals("ops") ? Optional.of(corpus.source("ops")) : Optional.empty();
      }

      @Override
      public List<Source> defaults() {
        return List.of(corpus.source("ops"));
      }
    };
  }

  private ToolBox builtIns() {
    return ToolBox.of(List.of(new SearchTool(ops(), new HybridRetriever(Clock.systemUTC())),
        new GetDocumentTool((c, id) -> c.equals("ops") ? Optional.ofNullable(TestCorpus.OPS.get(id)) : Optional.empty())));
  }

  private ToolRun run(ToolLoopSettings settings, ToolBox tools, Duration timeout) {
    return new ToolLoop(settings, new SentenceCiter(), stages, Clock.systemUTC()).run(models.resolve("small"),
        List.of(ChatMessage.user("When do cluster certificates expire?")), tools, OptionalInt.empty(),
        OptionalDouble.empty(), Instant.now().plus(timeout), ChatStream.IGNORE);
  }

  /** The messages of the n-th upstream request (from 0). */
  private JsonNode messages(int n) throws Exception {
    return JSON.readTree(upstream.requests().get(n).body()).path("messages");
  }

  @Test
  void searchResultsAreNumberedPassagesAndTheAnswerCitesThem() throws Exception {
    upstream.enqueue(ScriptedReply.toolCall("call_1", "search", "{\"query\":\"certificates expire\",\"k\":2}"),
        ScriptedReply.text("Cluster certificates expire after one year [1]."));

    ToolRun run = run(ToolLoopSettings.DEFAULTS, builtIns(), Duration.ofSeconds(30));

    assertEquals(2, run.turns());
    assertEquals(List.of(Outcome.OK), run.calls().stream().map(ToolCallRecord::outcome).toList());
    JsonNode first = JSON.readTree(upstream.requests().get(0).body());
    assertEquals(Set.of("search", "get_document"), Set.of(first.path("tools").get(0).path("function").path("name").asText(),
        first.path("tools").get(1).path("function").path("name").asText()));
    JsonNode toolMessage = messages(1).get(messages(1).size() - 1);
    assertEquals("tool", toolMessage.path("role").asText());
    assertEquals("call_1", toolMessage.path("tool_call_id").asText());
    JsonNode passages = JSON.readTree(toolMessage.path("content").asText()).path("passages");
    assertEquals("[1]", passages.get(0).path("marker").asText());
    assertTrue(passages.get(0).path("document_id").asText().startsWith("certs"), passages.toString());
    assertEquals(1, run.citations().size(), run.toString());
    Citation c = run.citations().getFirst();
    assertEquals("ops", c.collection());
    assertEquals(c.quote(), TestCorpus.text("ops", c.documentId()).substring(c.start(), c.end()));
    assertEquals(List.of(Outcome.OK), stages.tools.stream().map(t -> t.outcome()).toList());
    assertEquals(2, stages.calls.size(), "one generation per model turn");
  }

  @Test
  void invalidArgumentsGoBackToTheModelAsAToolErrorWithTheViolations() throws Exception {
    upstream.enqueue(ScriptedReply.toolCall("call_1", "search", "{\"query\":\"certs\",\"k\":0}"),
        ScriptedReply.toolCall("call_2", "search", "{\"query\":"),
        ScriptedReply.text("I could not search."));

    ToolRun run = run(ToolLoopSettings.DEFAULTS, builtIns(), Duration.ofSeconds(30));

    assertEquals(List.of(Outcome.INVALID_ARGUMENTS, Outcome.INVALID_ARGUMENTS),
        run.calls().stream().map(ToolCallRecord::outcome).toList());
    JsonNode error = JSON.readTree(messages(1).get(messages(1).size() - 1).path("content").asText());
    assertEquals("invalid_arguments", error.path("error").asText());
    assertTrue(error.path("violations").get(0).asText().startsWith("/k"), error.toString());
    JsonNode notJson = JSON.readTree(messages(2).get(messages(2).size() - 1).path("content").asText());
    assertEquals("the arguments are not JSON", notJson.path("message").asText());
    assertEquals("I could not search.", run.text());
  }

  @Test
  void anUnknownToolAndAMissingDocumentAreToolErrors() throws Exception {
    upstream.enqueue(ScriptedReply.toolCall("a", "delete_everything", "{}")
            .withToolCall("b", "get_document", "{\"collection\":\"ops\",\"document_id\":\"nope\"}"),
        ScriptedReply.text("Nothing."));

    ToolRun run = run(ToolLoopSettings.DEFAULTS, builtIns(), Duration.ofSeconds(30));

    assertEquals(List.of(Outcome.UNKNOWN_TOOL, Outcome.ERROR), run.calls().stream().map(ToolCallRecord::outcome).toList());
    assertTrue(run.calls().get(1).error().contains("no document nope"), run.calls().toString());
  }

  /** Two calls of one turn meet at a barrier: run one after the other, the first would wait for ever. */
  @Test
  void theCallsOfOneTurnRunAtOnce() throws Exception {
    CyclicBarrier both = new CyclicBarrier(2);
    Tool meet = new Tool() {
      @Override
      public ToolSpec spec() {
        return new ToolSpec("meet", "waits for the other call", "{\"type\":\"object\"}");
      }

      @Override
      public ToolOutput call(JsonNode arguments, Instant deadline) {
        try {
          both.await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException("the other call never came", e);
        }
        return ToolOutput.text("{\"met\":true}");
      }
    };
    upstream.enqueue(ScriptedReply.toolCall("a", "meet", "{}").withToolCall("b", "meet", "{}"), ScriptedReply.text("ok"));

    ToolRun run = run(ToolLoopSettings.DEFAULTS, ToolBox.of(List.of(meet)), Duration.ofSeconds(30));

    assertEquals(List.of(Outcome.OK, Outcome.OK), run.calls().stream().map(ToolCallRecord::outcome).toList());
    assertEquals("{\"met\":true}", messages(1).get(messages(1).size() - 1).path("content").asText());
  }

  @Test
  void theStepLimitEndsALoopThatNeverAnswers() {
    upstream.respondByDefault(ScriptedReply.toolCall("again", "search", "{\"query\":\"certificates\"}"));

    ToolRun run = run(new ToolLoopSettings(2, Duration.ofSeconds(5)), builtIns(), Duration.ofSeconds(30));

    assertEquals(3, run.turns());
    assertEquals(3, upstream.requests().size());
    assertEquals(2, run.calls().size());
    assertEquals("tools", run.degraded().getFirst().stage());
    assertTrue(run.degraded().getFirst().reason().startsWith("step limit"), run.degraded().toString());
  }

  @Test
  void aToolSlowerThanItsTimeoutIsATimeoutAndTheLoopGoesOn() {
    Tool slow = new Tool() {
      @Override
      public ToolSpec spec() {
        return new ToolSpec("slow", "sleeps", "{\"type\":\"object\"}");
      }

      @Override
      public ToolOutput call(JsonNode arguments, Instant deadline) {
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return ToolOutput.text("late");
      }
    };
    upstream.enqueue(ScriptedReply.toolCall("a", "slow", "{}"), ScriptedReply.text("gave up"));
    long t0 = System.nanoTime();

    ToolRun run = run(new ToolLoopSettings(4, Duration.ofMillis(300)), ToolBox.of(List.of(slow)), Duration.ofSeconds(30));

    assertEquals(List.of(Outcome.TIMEOUT), run.calls().stream().map(ToolCallRecord::outcome).toList());
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(4), "the loop waited for the slow tool");
    assertEquals("gave up", run.text());
    assertFalse(stages.tools.isEmpty());
  }
}
