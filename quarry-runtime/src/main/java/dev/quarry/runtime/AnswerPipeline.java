package dev.quarry.runtime;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.error.ModelException;
import dev.quarry.core.observe.CpuAccount;
import dev.quarry.core.observe.ModelCall;
import dev.quarry.core.observe.Stage;
import dev.quarry.core.observe.StageObserver;
import dev.quarry.core.observe.ThreadCpu;
import dev.quarry.runtime.assemble.BudgetedAssembler;
import dev.quarry.runtime.assemble.Context;
import dev.quarry.runtime.assemble.ContextAssembler;
import dev.quarry.runtime.assemble.TokenCount;
import dev.quarry.runtime.assemble.TokenCountMemo;
import dev.quarry.runtime.cite.Citation;
import dev.quarry.runtime.cite.Cited;
import dev.quarry.runtime.cite.Citer;
import dev.quarry.runtime.cite.MarkerFilter;
import dev.quarry.runtime.cite.SentenceCiter;
import dev.quarry.runtime.generate.Generation;
import dev.quarry.runtime.generate.GenerationInput;
import dev.quarry.runtime.generate.Prompt;
import dev.quarry.runtime.assemble.Passage;
import dev.quarry.runtime.retrieve.HybridRetriever;
import dev.quarry.runtime.retrieve.MemoryRecall;
import dev.quarry.runtime.retrieve.RetrievedChunk;
import dev.quarry.runtime.retrieve.PassageRetriever;
import dev.quarry.runtime.retrieve.Retrieval;
import dev.quarry.runtime.retrieve.Source;
import dev.quarry.runtime.rewrite.HeuristicRewriter;
import dev.quarry.runtime.rewrite.ModelRewriter;
import dev.quarry.runtime.rewrite.QueryRewriter;
import dev.quarry.runtime.rewrite.Rewrite;
import dev.quarry.runtime.structured.JsonCitations;
import dev.quarry.runtime.structured.OutputSchema;
import dev.quarry.runtime.structured.StructuredCall;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The answer pipeline's one orchestrator: rewrite, retrieve, assemble, generate, cite, each a small
 * interface, each timed (wall and CPU) to the {@link StageObserver} as its {@link Stage}, with the
 * generation reported as a {@link ModelCall}.
 *
 * <p>Time: every stage runs against the request's deadline and gets what the stages before it
 * left. The rewrite may use a quarter of it. When retrieval runs out, there is nothing to answer
 * from; when generation runs out (or its model fails before writing anything), the answer is
 * written by the extractive answerer from the context already assembled. Either way the answer
 * lists the stage in {@link Answer#degraded()}. The extractive fallback itself is not cut short: it
 * is local and takes milliseconds.
 */
public final class AnswerPipeline {

  /** Tokens the prompt's instructions and formatting take, kept out of the context budget. */
  static final int PROMPT_OVERHEAD = 200;
  /** Passage token counts kept in memory (about 100 bytes each). */
  static final int PASSAGE_COUNTS = 8192;

  private final AnswerModels models;
  private final PassageRetriever retriever;
  private final ContextAssembler assembler;
  private final Citer citer;
  private final AnswerSettings settings;
  private final StageObserver stages;
  private final AnswerObserver observer;
  private final Clock clock;
  private final QueryRewriter heuristic = new HeuristicRewriter();
  /** Passage token counts already made, per tenant's collections and model (see {@link TokenCountMemo}). */
  private final TokenCountMemo counted = new TokenCountMemo(PASSAGE_COUNTS);

  public AnswerPipeline(AnswerModels models, PassageRetriever retriever, ContextAssembler assembler, Citer citer,
      AnswerSettings settings, StageObserver stages, AnswerObserver observer, Clock clock) {
    this.models = Objects.requireNonNull(models, "models");
    this.retriever = Objects.requireNonNull(retriever, "retriever");
    this.assembler = Objects.requireNonNull(assembler, "assembler");
    this.citer = Objects.requireNonNull(citer, "citer");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.stages = Objects.requireNonNull(stages, "stages");
    this.observer = Objects.requireNonNull(observer, "observer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The standard stages: the engine's hybrid search, the budgeted assembler, sentence citations. */
  public static AnswerPipeline standard(AnswerModels models, AnswerSettings settings, StageObserver stages,
      AnswerObserver observer, Clock clock) {
    return new AnswerPipeline(models, new HybridRetriever(clock), new BudgetedAssembler(), new SentenceCiter(),
        settings, stages, observer, clock);
  }

  public AnswerSettings settings() {
    return settings;
  }

  public AnswerModels models() {
    return models;
  }

  /** Answers {@code request}, telling {@code listener} the context and the text as they come. */
  public Answer answer(AnswerRequest request, AnswerListener listener) {
    AnswerModel model = models.resolve(request.model());
    if (request.responseFormat().isPresent()) {
      model.info().require(Set.of(ModelCapability.JSON_SCHEMA));
    }
    Map<String, Duration> timings = new LinkedHashMap<>();
    List<Degradation> degraded = new ArrayList<>();
    Instant deadline = request.deadline();
    List<ChatMessage> history = History.fit(request.history(), model.tokens(), settings.historyTokens());

    Rewrite rewrite = rewrite(request, model, history, timings, degraded);

    Retrieval retrieval;
    try {
      retrieval = timed(Stage.RETRIEVE, timings, () -> {
        requireTime(deadline, "retrieve");
        Retrieval documents = retriever.retrieve(rewrite.query(), request.sources(), request.k(), request.filter(),
            deadline);
        List<RetrievedChunk> recalled = request.memories()
            .map(m -> MemoryRecall.recall(m, rewrite.query())).orElse(List.of());
        if (recalled.isEmpty()) {
          return documents;
        }
        List<RetrievedChunk> all = new ArrayList<>(recalled);
        all.addAll(documents.chunks());
        return new Retrieval(all, documents.generations(), documents.queryVectors(), documents.degraded());
      });
      retrieval.degraded().forEach(why -> degrade(degraded, "retrieve", why, "the fused order"));
    } catch (DeadlineExceeded e) {
      degrade(degraded, "retrieve", "deadline: " + e.getMessage(), "no passages");
      retrieval = Retrieval.EMPTY;
    }
    List<ChatMessage> prompt = history;
    int budget = contextBudget(model, request, prompt);
    Retrieval found = retrieval;
    TokenCount passageTokens = passageTokens(request, model);
    Context context = timed(Stage.ASSEMBLE, timings, () -> assembler.assemble(found.chunks(), passageTokens, budget));
    listener.context(context);

    GenerationInput input = new GenerationInput(request.question(), context, history, request.maxTokens(),
        request.temperature(), deadline, embedders(request, rewrite.query(), retrieval), request.maxCost());
    if (request.responseFormat().isPresent()) {
      StructuredCall.Result json = structured(model, input, request.responseFormat().get(), timings);
      listener.delta(json.json());
      List<Citation> citations = timed(Stage.CITE, timings, () -> JsonCitations.of(json.json(), context, citer));
      TokenUsage usage = rewrite.usage().plus(json.usage());
      return new Answer(json.json(), citations, context, rewrite.query(), model.name(), json.response().finishReason(),
          usage, model.price().cost(usage), timings, degraded, retrieval.generations());
    }
    StringBuilder streamed = new StringBuilder();
    MarkerFilter filter = new MarkerFilter(n -> context.passage(n).isPresent(), listener::delta);
    ChatStream stream = delta -> {
      streamed.append(delta);
      filter.accept(delta);
    };
    Generated g = generate(model, input, stream, streamed, degraded, timings);
    filter.finish();

    Cited cited = timed(Stage.CITE, timings, () -> citer.cite(g.generation().text(), context));
    if (cited.removed() > 0) {
      observer.citationsRemoved(cited.removed());
    }
    TokenUsage usage = rewrite.usage().plus(g.generation().usage());
    return new Answer(cited.text(), cited.citations(), context, rewrite.query(), g.model().name(),
        g.generation().finishReason(), usage, g.model().price().cost(usage), timings, degraded,
        retrieval.generations());
  }

  private record Generated(AnswerModel model, Generation generation) {}

  private Rewrite rewrite(AnswerRequest request, AnswerModel model, List<ChatMessage> history,
      Map<String, Duration> timings, List<Degradation> degraded) {
    return timed(Stage.REWRITE, timings, () -> {
      if (model.chat().isEmpty() || history.isEmpty()) {
        return heuristic.rewrite(request.question(), history, request.deadline());
      }
      Instant now = clock.instant();
      Instant own = now.plus(Duration.between(now, request.deadline()).dividedBy(4));
      try {
        return new ModelRewriter(model.chat().get()).rewrite(request.question(), history, own);
      } catch (ModelException e) {
        degrade(degraded, "rewrite", reason(e, own), "heuristic");
        return heuristic.rewrite(request.question(), history, request.deadline());
      }
    });
  }

  /**
   * The model's generation, or the extractive answer when the deadline passed before it began or
   * the model failed before writing anything; a failure after text was streamed keeps that text.
   */
  private Generated generate(AnswerModel model, GenerationInput input, ChatStream stream, StringBuilder streamed,
      List<Degradation> degraded, Map<String, Duration> timings) {
    AnswerModel extractive = models.extractive();
    if (!clock.instant().isBefore(input.deadline())) {
      if (degraded.stream().noneMatch(d -> d.stage().equals("retrieve"))) {
        degrade(degraded, "generate", "deadline: no time was left to call " + model.name(), extractive.name());
      }
      return new Generated(extractive, timedGeneration(extractive, input, stream, timings));
    }
    try {
      return new Generated(model, timedGeneration(model, input, stream, timings));
    } catch (ModelException e) {
      if (e.isAfterFirstToken()) {
        degrade(degraded, "generate", reason(e, input.deadline()), "the text streamed before the failure");
        return new Generated(model, new Generation(streamed.toString(), dev.quarry.core.chat.FinishReason.LENGTH,
            e.partialUsage(), model.info().upstreamModel(), java.util.Optional.empty()));
      }
      degrade(degraded, "generate", reason(e, input.deadline()), extractive.name());
      return new Generated(extractive, timedGeneration(extractive, input, stream, timings));
    }
  }

  /**
   * An answer satisfying the request's response format, from the model itself: there is no
   * extractive fallback (it cannot write JSON to a schema), so a model that fails, or a deadline
   * that passed before the call, fails the request. The answer is validated before anyone hears it.
   */
  private StructuredCall.Result structured(AnswerModel model, GenerationInput input, OutputSchema schema,
      Map<String, Duration> timings) {
    ChatModel chat = model.chat().orElseThrow();
    if (!clock.instant().isBefore(input.deadline())) {
      throw ModelException.unavailable(model.name(), "no time was left to call " + model.name()
          + " for the response format (no fallback can honour one)", OptionalInt.empty(), Optional.empty(), null);
    }
    ChatRequest request = new ChatRequest(Prompt.messages(input), input.maxTokens(), input.temperature(), List.of(),
        Optional.of(schema.format()), input.deadline(), Optional.empty(), input.maxCost());
    return StructuredCall.call(request, schema, model.name(), r -> timedCall(model, chat, r, timings));
  }

  private ChatResponse timedCall(AnswerModel model, ChatModel chat, ChatRequest request, Map<String, Duration> timings) {
    long wall0 = System.nanoTime();
    long cpu0 = ThreadCpu.now();
    CpuAccount account = new CpuAccount();
    ChatResponse r = null;
    try {
      r = CpuAccount.charging(account, () -> chat.generate(request, ChatStream.IGNORE));
      return r;
    } finally {
      long wall = System.nanoTime() - wall0;
      timings.merge(Stage.GENERATE.wireName(), Duration.ofNanos(wall), Duration::plus);
      TokenUsage usage = r == null ? TokenUsage.NONE : r.usage();
      stages.generation(new ModelCall("chat", model.name(), model.info().provider(),
          r == null ? model.info().upstreamModel() : r.upstreamModel(), usage.inputTokens(), usage.outputTokens(),
          r == null ? Optional.empty() : r.timeToFirstToken()), wall, cpu(cpu0, account));
    }
  }

  private Generation timedGeneration(AnswerModel model, GenerationInput input, ChatStream stream,
      Map<String, Duration> timings) {
    long wall0 = System.nanoTime();
    long cpu0 = ThreadCpu.now();
    CpuAccount account = new CpuAccount();
    Generation g = null;
    try {
      g = CpuAccount.charging(account, () -> model.generator().generate(input, stream));
      return g;
    } finally {
      long wall = System.nanoTime() - wall0;
      long cpu = cpu(cpu0, account);
      timings.merge(Stage.GENERATE.wireName(), Duration.ofNanos(wall), Duration::plus);
      TokenUsage usage = g == null ? TokenUsage.NONE : g.usage();
      stages.generation(new ModelCall("chat", model.name(), model.info().provider(),
          g == null ? model.info().upstreamModel() : g.responseModel(), usage.inputTokens(), usage.outputTokens(),
          g == null ? java.util.Optional.empty() : g.timeToFirstToken()), wall, cpu);
    }
  }

  /**
   * The model's token count for passages, remembered per the request's collections (their engine
   * names: the tenant's) unless the count is the extractive answerer's words, or nothing is searched.
   */
  private TokenCount passageTokens(AnswerRequest request, AnswerModel model) {
    if (model.extractive() || request.sources().isEmpty()) {
      return model.tokens();
    }
    String scope = String.join(",", request.sources().stream().map(s -> s.collection().name().value()).sorted().toList());
    return counted.scoped(scope, model.name(), model.tokens());
  }

  /** What is left for the context: the configured budget, lowered to fit a model's window. */
  private int contextBudget(AnswerModel model, AnswerRequest request, List<ChatMessage> history) {
    int budget = settings.contextTokens();
    if (!model.extractive()) {
      int reply = request.maxTokens().orElse(settings.replyTokens());
      int conversation = model.tokens().count(request.question());
      for (ChatMessage m : history) {
        conversation += model.tokens().count(m.content());
      }
      budget = Math.min(budget, model.info().contextTokens() - reply - conversation - PROMPT_OVERHEAD);
    }
    return Math.max(0, budget);
  }

  /**
   * Each source's embedder, answering {@code query} from the vector retrieval computed for it (the
   * same model, the same text: the same vector), so the answerer does not embed the question twice.
   */
  private static Map<String, Embedder> embedders(AnswerRequest request, String query, Retrieval retrieval) {
    Map<String, Embedder> out = new HashMap<>();
    for (Source s : request.sources()) {
      float[] known = retrieval.queryVectors().get(s.name());
      out.put(s.name(), known == null ? s.collection().embedder() : new KnownQuery(s.collection().embedder(), query, known));
    }
    request.memories().ifPresent(m -> out.put(Passage.MEMORY, m.embedder()));
    return out;
  }

  /** An embedder that knows one query's vector already and embeds everything else through {@code model}. */
  record KnownQuery(Embedder model, String query, float[] vector) implements Embedder {
    @Override
    public EmbeddingModelInfo info() {
      return model.info();
    }

    @Override
    public float[][] embed(List<String> texts, InputKind kind) {
      if (kind != InputKind.QUERY || !texts.contains(query)) {
        return model.embed(texts, kind);
      }
      float[][] out = new float[texts.size()][];
      List<String> others = new ArrayList<>();
      for (String t : texts) {
        if (!t.equals(query)) {
          others.add(t);
        }
      }
      float[][] embedded = others.isEmpty() ? new float[0][] : model.embed(others, kind);
      int next = 0;
      for (int i = 0; i < out.length; i++) {
        out[i] = texts.get(i).equals(query) ? vector.clone() : embedded[next++];
      }
      return out;
    }
  }

  private void requireTime(Instant deadline, String stage) {
    if (!clock.instant().isBefore(deadline)) {
      throw new DeadlineExceeded("no time was left for " + stage);
    }
  }

  private String reason(ModelException e, Instant deadline) {
    String why = clock.instant().isBefore(deadline) ? e.code().wireName() : "deadline";
    return why + ": " + e.getMessage();
  }

  private void degrade(List<Degradation> degraded, String stage, String reason, String fallback) {
    degraded.add(new Degradation(stage, reason, fallback));
    observer.degraded(stage);
  }

  /** Runs one stage, reporting its wall and CPU time and adding its wall time to {@code timings}. */
  private <T> T timed(Stage stage, Map<String, Duration> timings, Supplier<T> work) {
    long wall0 = System.nanoTime();
    long cpu0 = ThreadCpu.now();
    CpuAccount account = new CpuAccount();
    try {
      return CpuAccount.charging(account, work);
    } finally {
      long wall = System.nanoTime() - wall0;
      timings.merge(stage.wireName(), Duration.ofNanos(wall), Duration::plus);
      stages.record(stage, wall, cpu(cpu0, account));
    }
  }

  private static long cpu(long cpu0, CpuAccount account) {
    long cpu1 = ThreadCpu.now();
    return cpu0 < 0 || cpu1 < 0 ? StageObserver.CPU_UNKNOWN : cpu1 - cpu0 + account.nanos();
  }

  /** Token budget for {@link TokenCount}-measured history. */
  static final class History {
    private History() {}

    /**
     * The newest messages of {@code history} whose contents fit {@code budget} tokens together,
     * in their order; older ones are dropped whole (a message is never cut), and system messages
     * are always kept (they are the caller's instructions).
     */
    static List<ChatMessage> fit(List<ChatMessage> history, TokenCount tokens, int budget) {
      List<ChatMessage> kept = new ArrayList<>();
      int used = 0;
      boolean full = false;
      for (int i = history.size() - 1; i >= 0; i--) {
        ChatMessage m = history.get(i);
        if (m.role() == dev.quarry.core.chat.ChatRole.SYSTEM) {
          kept.addFirst(m);
          continue;
        }
        int size = tokens.count(m.content());
        if (full || used + size > budget) {
          full = true;
          continue;
        }
        used += size;
        kept.addFirst(m);
      }
      return kept;
    }
  }
}
