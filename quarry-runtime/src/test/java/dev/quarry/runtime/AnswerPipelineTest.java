package dev.quarry.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.observe.ModelCall;
import dev.quarry.core.observe.Stage;
import dev.quarry.core.observe.StageObserver;
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
import dev.quarry.runtime.assemble.BudgetedAssembler;
import dev.quarry.runtime.assemble.Context;
import dev.quarry.runtime.cite.Citation;
import dev.quarry.runtime.cite.SentenceCiter;
import dev.quarry.runtime.generate.ExtractiveAnswerer;
import dev.quarry.runtime.retrieve.HybridRetriever;
import dev.quarry.runtime.retrieve.Retrieval;
import dev.quarry.runtime.retrieve.Source;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline end to end on a real engine, answering extractively and through a scripted OpenAI-compatible upstream. */
class AnswerPipelineTest {

  @TempDir static Path dir;
  static TestCorpus corpus;

  ScriptedOpenAiServer upstream;
  ModelCatalog catalog;
  RecordingStages stages = new RecordingStages();
  AtomicInteger removed = new AtomicInteger();
  List<String> degradedStages = new ArrayList<>();
  AnswerObserver observer = new AnswerObserver() {
    @Override
    public void citationsRemoved(int count) {
      removed.addAndGet(count);
    }

    @Override
    public void degraded(String stage) {
      degradedStages.add(stage);
    }
  };

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
            Set.of(ModelCapability.STREAMING))), "small"), name -> Optional.empty(), Clock.systemUTC());
  }

  @AfterEach
  void stopUpstream() {
    catalog.close();
    upstream.close();
  }

  private AnswerPipeline pipeline() {
    return AnswerPipeline.standard(new AnswerModels(catalog, AnswerSettings.DEFAULT), AnswerSettings.DEFAULT, stages,
        observer, Clock.systemUTC());
  }

  private static AnswerRequest ask(String question, String model, List<ChatMessage> history, Duration timeout,
      String... collections) {
    List<Source> sources = java.util.Arrays.stream(collections).map(corpus::source).toList();
    return new AnswerRequest(question, history, sources, 5, Optional.empty(), model, OptionalInt.empty(),
        OptionalDouble.empty(), Instant.now().plus(timeout));
  }

  private static void assertQuotesAtTheirOffsets(Answer a) {
    assertFalse(a.citations().isEmpty(), "no citation in: " + a.text());
    for (Citation c : a.citations()) {
      String document = TestCorpus.text(c.collection(), c.documentId());
      assertEquals(c.quote(), document.substring(c.start(), c.end()), "quote of citation " + c);
      assertTrue(a.text().contains("[" + c.id() + "]"), "marker [" + c.id() + "] in " + a.text());
    }
  }

  @Test
  void extractiveAnswerQuotesTheSentencesItCitesAtTheirOffsetsInTheDocument() {
    Answer a = pipeline().answer(ask("When do cluster certificates expire?", "extractive", List.of(),
        Duration.ofSeconds(30), "ops"), AnswerListener.NONE);

    assertEquals("extractive", a.model());
    assertTrue(a.text().contains("Cluster certificates expire after one year. [1]"), a.text());
    assertQuotesAtTheirOffsets(a);
    assertTrue(a.citations().getFirst().documentId().startsWith("certs"), a.citations().toString());
    assertTrue(a.degraded().isEmpty(), a.degraded().toString());
    assertEquals(List.of("rewrite", "retrieve", "assemble", "generate", "cite"), List.copyOf(a.timings().keySet()));
    assertEquals(List.of(Stage.REWRITE, Stage.RETRIEVE, Stage.ASSEMBLE, Stage.GENERATE, Stage.CITE), stages.stages);
    assertTrue(a.generations().containsKey("ops"));
    assertEquals(BigDecimal.ZERO, a.cost().stripTrailingZeros().abs());
  }

  @Test
  void theSameTextInTwoDocumentsIsOnePassage() {
    Answer a = pipeline().answer(ask("When do cluster certificates expire?", "extractive", List.of(),
        Duration.ofSeconds(30), "ops"), AnswerListener.NONE);

    long certs = a.context().passages().stream().filter(p -> p.chunk().documentId().startsWith("certs")).count();
    assertEquals(1, certs, a.context().passages().toString());
    assertTrue(a.context().duplicates() >= 1);
  }

  @Test
  void collectionsAreFusedAndEachCitationNamesItsCollection() {
    Answer a = pipeline().answer(ask("At what temperature do I bake the sourdough loaf?", "extractive", List.of(),
        Duration.ofSeconds(30), "ops", "kitchen"), AnswerListener.NONE);

    assertEquals("kitchen", a.citations().getFirst().collection());
    assertEquals("sourdough", a.citations().getFirst().documentId());
    assertQuotesAtTheirOffsets(a);
    assertEquals(Set.of("ops", "kitchen"), a.generations().keySet());
  }

  @Test
  void aModelAnswerLosesMarkersOfPassagesNotInTheContextAndCountsThem() {
    upstream.enqueue(ScriptedReply.text("Cluster certificates expire after one year [1]", " and are renewed with "
        + "kubeadm [1][9].").withUsage(100, 20, 0));
    List<String> deltas = new ArrayList<>();
    List<Context> contexts = new ArrayList<>();
    Answer a = pipeline().answer(ask("When do cluster certificates expire?", "small", List.of(), Duration.ofSeconds(30),
        "ops"), new AnswerListener() {
          @Override
          public void context(Context context) {
            contexts.add(context);
          }

          @Override
          public void delta(String text) {
            assertEquals(1, contexts.size(), "the context comes before the text");
            deltas.add(text);
          }
        });

    assertEquals("Cluster certificates expire after one year [1] and are renewed with kubeadm [1].", a.text());
    assertEquals(a.text(), String.join("", deltas), "the streamed text is the answer");
    assertEquals(1, removed.get());
    assertEquals(1, a.citations().size());
    assertEquals("Cluster certificates expire after one year.", a.citations().getFirst().quote());
    assertQuotesAtTheirOffsets(a);
    assertEquals("small", a.model());
    assertEquals(100, a.usage().inputTokens());
    assertEquals(20, a.usage().outputTokens());
    assertEquals(0, new BigDecimal("0.0003").compareTo(a.cost()), a.cost().toPlainString());
    String system = upstream.lastRequest().json().path("messages").get(0).path("content").asText();
    assertTrue(system.contains("[1] Cluster certificates expire"), system);
    ModelCall call = stages.calls.getFirst();
    assertEquals("chat", call.operation());
    assertEquals("small", call.requestModel());
    assertEquals("up", call.provider());
    assertEquals(100, call.inputTokens());
    assertEquals(20, call.outputTokens());
  }

  @Test
  void anUpstreamSlowerThanTheDeadlineIsReplacedByTheExtractiveAnswerMarkedDegraded() {
    upstream.enqueue(ScriptedReply.text("too late [1]").withLatency(Duration.ofSeconds(3)));
    Answer a = pipeline().answer(ask("When do cluster certificates expire?", "small", List.of(), Duration.ofMillis(1500),
        "ops"), AnswerListener.NONE);

    assertEquals("extractive", a.model());
    assertEquals(1, a.degraded().size());
    assertEquals("generate", a.degraded().getFirst().stage());
    assertTrue(a.degraded().getFirst().reason().startsWith("deadline"), a.degraded().getFirst().reason());
    assertEquals("extractive", a.degraded().getFirst().fallback());
    assertQuotesAtTheirOffsets(a);
    // the model call is abandoned at the deadline (1.5 s), well before the upstream's 3 s; the stage's
    // time also holds the extractive fallback run after it, so the bound is the upstream's latency
    assertTrue(a.timings().get("generate").toMillis() < 2500, "the generation waited for the upstream: " + a.timings());
    assertEquals(List.of("generate"), degradedStages);
  }

  @Test
  void anUpstreamFailureFallsBackToTheExtractiveAnswer() {
    upstream.respondWith(r -> ScriptedReply.status(500));
    Answer a = pipeline().answer(ask("When do cluster certificates expire?", "small", List.of(), Duration.ofSeconds(30),
        "ops"), AnswerListener.NONE);

    assertEquals("extractive", a.model());
    assertTrue(a.degraded().getFirst().reason().startsWith("upstream_unavailable"), a.degraded().toString());
    assertQuotesAtTheirOffsets(a);
  }

  @Test
  void aRouteFallsBackToItsNextModelAndWhenAllFailTheAnswerIsExtractiveAndSaysSo() {
    try (ScriptedOpenAiServer backup = ScriptedOpenAiServer.start()) {
      ModelCatalog routed = ModelCatalog.build(new LlmConfig(
          List.of(new ProviderConfig("up", ProviderKind.OPENAI, upstream.baseUrl(), Optional.empty(), Duration.ofSeconds(5)),
              new ProviderConfig("backup", ProviderKind.OPENAI, backup.baseUrl(), Optional.empty(), Duration.ofSeconds(5))),
          List.of(new ModelConfig("small", "up", "llama-3.1-8b-instruct", 8192, Price.FREE, Set.of(ModelCapability.STREAMING)),
              new ModelConfig("spare", "backup", "llama-3.1-8b-instruct", 8192, Price.FREE, Set.of(ModelCapability.STREAMING))),
          List.of(new RouteConfig("chain", List.of("small", "spare"), RouteStrategy.ORDERED)), "chain",
          new ResilienceConfig(Duration.ofSeconds(5), 1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO, 10, 5,
              50, Duration.ofSeconds(30), 1)), name -> Optional.empty(), Clock.systemUTC());
      try (routed) {
        AnswerPipeline p = AnswerPipeline.standard(new AnswerModels(routed, AnswerSettings.DEFAULT),
            AnswerSettings.DEFAULT, stages, observer, Clock.systemUTC());
        upstream.respondWith(r -> ScriptedReply.status(503));
        backup.respondWith(r -> ScriptedReply.text("Certificates expire yearly [1]."));
        Answer a = p.answer(ask("When do cluster certificates expire?", "chain", List.of(), Duration.ofSeconds(30),
            "ops"), AnswerListener.NONE);
        assertEquals("chain", a.model());
        assertEquals("Certificates expire yearly [1].", a.text().strip());
        assertTrue(a.degraded().isEmpty(), a.degraded().toString());

        backup.respondWith(r -> ScriptedReply.status(500));
        Answer b = p.answer(ask("When do cluster certificates expire?", "chain", List.of(), Duration.ofSeconds(30),
            "ops"), AnswerListener.NONE);
        assertEquals("extractive", b.model());
        Degradation d = b.degraded().getFirst();
        assertEquals("generate", d.stage());
        assertTrue(d.reason().startsWith("upstream_unavailable: route chain: every model failed or is unavailable: "
            + "model small: the upstream answered 503"), d.reason());
        assertTrue(d.reason().contains("; model spare: the upstream answered 500"), d.reason());
        assertQuotesAtTheirOffsets(b);
      }
    }
  }

  @Test
  void aRetrievalThatRunsOutOfTimeAnswersFromNothingAndSaysSo() {
    AnswerModels models = new AnswerModels(catalog, AnswerSettings.DEFAULT);
    AnswerPipeline slow = new AnswerPipeline(models, (query, sources, k, filter, deadline) -> {
      try {
        Thread.sleep(Duration.between(Instant.now(), deadline).plusMillis(50));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new DeadlineExceeded("the search did not finish in time");
    }, new BudgetedAssembler(), new SentenceCiter(), AnswerSettings.DEFAULT, StageObserver.NONE, observer,
        Clock.systemUTC());

    Answer a = slow.answer(ask("When do cluster certificates expire?", "small", List.of(), Duration.ofMillis(200),
        "ops"), AnswerListener.NONE);

    assertEquals(ExtractiveAnswerer.NO_ANSWER, a.text());
    assertEquals("retrieve", a.degraded().getFirst().stage());
    assertEquals(0, upstream.requests().size(), "no model call once the time is gone");
  }

  @Test
  void aFollowUpIsRewrittenByTheModelWhenOneIsConfigured() {
    upstream.enqueue(ScriptedReply.text("how to renew kubeadm cluster certificates"),
        ScriptedReply.text("Run kubeadm certs renew [1]."));
    List<ChatMessage> history = List.of(ChatMessage.user("When do cluster certificates expire?"),
        ChatMessage.assistant("After one year [1]."));
    Answer a = pipeline().answer(ask("How do I renew them?", "small", history, Duration.ofSeconds(30), "ops"),
        AnswerListener.NONE);

    assertEquals("how to renew kubeadm cluster certificates", a.query());
    assertEquals(2, upstream.requests().size());
    String rewritePrompt = upstream.requests().getFirst().json().path("messages").get(1).path("content").asText();
    assertTrue(rewritePrompt.contains("When do cluster certificates expire?"), rewritePrompt);
    assertEquals("certs", a.citations().getFirst().documentId().substring(0, 5));
  }

  @Test
  void withoutAModelAFollowUpBorrowsThePreviousQuestionsWords() {
    List<ChatMessage> history = List.of(ChatMessage.user("What does the horizontal pod autoscaler do?"),
        ChatMessage.assistant("It adds replicas [1]."));
    Answer a = pipeline().answer(ask("And when does it remove them?", "extractive", history, Duration.ofSeconds(30),
        "ops"), AnswerListener.NONE);

    assertTrue(a.query().startsWith("horizontal pod autoscaler"), a.query());
    assertEquals("scaling", a.citations().getFirst().documentId());
  }

  @Test
  void retrievalHandsBackTheQueryVectorItsSearchComputed() {
    String q = "How often do cluster certificates expire?";
    Source ops = corpus.source("ops");
    Retrieval r = new HybridRetriever(Clock.systemUTC()).retrieve(q, List.of(ops), 3, Optional.empty(),
        Instant.now().plusSeconds(30));

    float[] expected = ops.collection().embedder().embed(List.of(q), InputKind.QUERY)[0];
    assertArrayEquals(expected, r.queryVectors().get("ops"), 1e-6f);
  }

  @Test
  void aKnownQueryIsNotEmbeddedAgainAndOtherTextsAre() {
    Embedder model = corpus.source("ops").collection().embedder();
    List<List<String>> asked = new ArrayList<>();
    Embedder counting = new Embedder() {
      @Override
      public EmbeddingModelInfo info() {
        return model.info();
      }

      @Override
      public float[][] embed(List<String> texts, InputKind kind) {
        asked.add(texts);
        return model.embed(texts, kind);
      }
    };
    float[] known = model.embed(List.of("certificate expiry"), InputKind.QUERY)[0];
    Embedder e = new AnswerPipeline.KnownQuery(counting, "certificate expiry", known);

    float[][] v = e.embed(List.of("certificate expiry"), InputKind.QUERY);
    assertArrayEquals(known, v[0]);
    assertTrue(asked.isEmpty(), asked.toString());

    float[][] both = e.embed(List.of("autoscaler", "certificate expiry"), InputKind.QUERY);
    assertEquals(List.of(List.of("autoscaler")), asked);
    assertArrayEquals(known, both[1]);
    assertArrayEquals(model.embed(List.of("autoscaler"), InputKind.QUERY)[0], both[0], 1e-6f);

    e.embed(List.of("certificate expiry"), InputKind.DOCUMENT);
    assertEquals(List.of("certificate expiry"), asked.getLast(), "a passage of the same text is the model's to embed");
  }
}
