package dev.quarry.runtime.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ChatRole;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.FinishReason;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.core.chat.ToolCall;
import dev.quarry.core.observe.ModelCall;
import dev.quarry.core.observe.StageObserver;
import dev.quarry.core.observe.TaskObserver;
import dev.quarry.core.observe.ToolInvocation;
import dev.quarry.core.observe.ToolInvocation.Outcome;
import dev.quarry.llm.schema.JsonSchemas;
import dev.quarry.runtime.AnswerModel;
import dev.quarry.runtime.Degradation;
import dev.quarry.runtime.assemble.Context;
import dev.quarry.runtime.assemble.Passage;
import dev.quarry.runtime.cite.Cited;
import dev.quarry.runtime.cite.Citer;
import dev.quarry.runtime.retrieve.RetrievedChunk;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a model with tools until it answers: each turn the model may ask for tool calls; their
 * arguments are checked against the tool's JSON Schema first (a call that does not match, names an
 * unknown tool, fails or times out goes back to the model as a tool error, never as a failure of
 * the request); the calls of one turn run at once on virtual threads; each is reported to the
 * {@link StageObserver} (a span with its latency and outcome). The loop ends when the model answers
 * without calls, after {@link ToolLoopSettings#maxSteps()} turns that asked for tools, or at the
 * request's deadline; the last two say so in {@link ToolRun#degraded()}.
 *
 * <p>Passages tools return from documents are numbered across the whole loop (the same chunk keeps
 * its number), shown to the model as {@code [n]}, and the answer's markers are cited by the
 * pipeline's {@link Citer}.
 */
public final class ToolLoop {

  static final String INSTRUCTIONS = "Tool results from documents are passages numbered like [1]. "
      + "Cite each passage you use with its marker, e.g. [1] or [2, 3]. Do not make up markers.";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ToolLoopSettings settings;
  private final Citer citer;
  private final StageObserver observer;
  private final Clock clock;

  public ToolLoop(ToolLoopSettings settings, Citer citer, StageObserver observer, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.citer = Objects.requireNonNull(citer, "citer");
    this.observer = Objects.requireNonNull(observer, "observer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public ToolLoopSettings settings() {
    return settings;
  }

  /**
   * Runs {@code model} over {@code messages} with {@code tools} by {@code deadline}, streaming each
   * turn's text to {@code stream}. Model failures are thrown as they are ({@link
   * dev.quarry.core.error.ModelException}).
   */
  public ToolRun run(AnswerModel model, List<ChatMessage> messages, ToolBox tools, OptionalInt maxTokens,
      OptionalDouble temperature, Instant deadline, ChatStream stream) {
    ChatModel chat = model.chat().orElseThrow(() -> new IllegalArgumentException(
        "the model " + model.name() + " cannot call tools (it is the extractive answerer)"));
    List<ChatMessage> conversation = new ArrayList<>();
    conversation.add(ChatMessage.system(INSTRUCTIONS));
    conversation.addAll(messages);
    Numbering numbering = new Numbering();
    List<ToolCallRecord> calls = new ArrayList<>();
    List<Degradation> degraded = new ArrayList<>();
    TokenUsage usage = TokenUsage.NONE;
    ChatResponse last = null;
    int turns = 0;
    int toolTurns = 0;
    while (true) {
      if (!clock.instant().isBefore(deadline)) {
        degraded.add(new Degradation("tools", "deadline: no time was left for another model turn after "
            + toolTurns + " tool step(s)", "the model's text so far"));
        break;
      }
      ChatRequest request = new ChatRequest(conversation, maxTokens, temperature, tools.specs(), Optional.empty(),
          deadline);
      last = generate(model, chat, request, stream);
      turns++;
      usage = usage.plus(last.usage());
      if (last.toolCalls().isEmpty()) {
        break;
      }
      if (toolTurns == settings.maxSteps()) {
        degraded.add(new Degradation("tools", "step limit: the model asked for tools after " + settings.maxSteps()
            + " tool step(s)", "the model's text so far"));
        break;
      }
      toolTurns++;
      conversation.add(new ChatMessage(ChatRole.ASSISTANT, last.text(), last.toolCalls(), Optional.empty()));
      List<Executed> results = execute(tools, last.toolCalls(), deadline);
      for (int i = 0; i < results.size(); i++) {
        Executed r = results.get(i);
        ToolCall call = last.toolCalls().get(i);
        calls.add(new ToolCallRecord(toolTurns, call.id(), call.name(), r.outcome(), r.latency(), r.error()));
        observer.toolCall(new ToolInvocation(call.name(), call.id(), r.outcome()), r.latency().toNanos());
        conversation.add(ChatMessage.toolResult(call.id(), render(r, numbering)));
      }
    }
    String text = last == null ? "" : last.text();
    FinishReason finish = last == null ? FinishReason.STOP : last.finishReason();
    Context context = numbering.context();
    Cited cited = citer.cite(text, context);
    return new ToolRun(cited.text(), cited.citations(), context, finish, usage,
        last == null ? model.info().upstreamModel() : last.upstreamModel(), turns, calls, degraded);
  }

  /** What one call outside a loop returned: how it ended and the text a model would read. */
  public record SingleCall(Outcome outcome, String content) {}

  /**
   * One call outside a loop (an MCP client's {@code tools/call}): its arguments checked, run by the
   * call timeout and {@code deadline}, reported like a loop's; passages numbered from 1.
   */
  public SingleCall call(ToolBox tools, ToolCall call, Instant deadline) {
    Executed r = execute(tools, List.of(call), deadline).getFirst();
    observer.toolCall(new ToolInvocation(call.name(), call.id(), r.outcome()), r.latency().toNanos());
    return new SingleCall(r.outcome(), render(r, new Numbering()));
  }

  private ChatResponse generate(AnswerModel model, ChatModel chat, ChatRequest request, ChatStream stream) {
    long wall0 = System.nanoTime();
    ChatResponse response = null;
    try {
      response = chat.generate(request, stream);
      return response;
    } finally {
      long wall = System.nanoTime() - wall0;
      TokenUsage u = response == null ? TokenUsage.NONE : response.usage();
      observer.generation(new ModelCall("chat", model.name(), model.info().provider(),
          response == null ? model.info().upstreamModel() : response.upstreamModel(), u.inputTokens(),
          u.outputTokens(), response == null ? Optional.empty() : response.timeToFirstToken()), wall,
          StageObserver.CPU_UNKNOWN);
    }
  }

  /** A call's result before numbering: output, or the outcome and error the model is told. */
  record Executed(Outcome outcome, Optional<ToolOutput> output, String error, List<String> violations,
      Duration latency) {
    static Executed failed(Outcome outcome, String error, List<String> violations, Duration latency) {
      return new Executed(outcome, Optional.empty(), error, violations, latency);
    }
  }

  /** Runs the calls of one turn at once, each bounded by the call timeout and the deadline. */
  private List<Executed> execute(ToolBox tools, List<ToolCall> calls, Instant deadline) {
    Instant callDeadline = min(deadline, clock.instant().plus(settings.callTimeout()));
    List<Executed> out = new ArrayList<>();
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    try {
      List<Future<Executed>> running = new ArrayList<>();
      List<Long> started = new ArrayList<>();
      for (ToolCall call : calls) {
        started.add(System.nanoTime());
        running.add(pool.submit(TaskObserver.carried(() -> executeOne(tools, call, callDeadline))));
      }
      for (int i = 0; i < running.size(); i++) {
        Future<Executed> f = running.get(i);
        String name = calls.get(i).name();
        try {
          long left = Duration.between(clock.instant(), callDeadline).toNanos();
          out.add(f.get(Math.max(0, left), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
          f.cancel(true);
          out.add(Executed.failed(Outcome.TIMEOUT, "the tool " + name + " did not finish in time", List.of(),
              Duration.ofNanos(System.nanoTime() - started.get(i))));
        } catch (ExecutionException e) {
          out.add(Executed.failed(Outcome.ERROR, "the tool " + name + " failed: " + e.getCause().getMessage(),
              List.of(), Duration.ofNanos(System.nanoTime() - started.get(i))));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          running.forEach(r -> r.cancel(true));
          throw new dev.quarry.runtime.DeadlineExceeded("interrupted while tools ran");
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  private static Executed executeOne(ToolBox tools, ToolCall call, Instant deadline) {
    long t0 = System.nanoTime();
    Optional<ToolBox.Bound> bound = tools.find(call.name());
    if (bound.isEmpty()) {
      return Executed.failed(Outcome.UNKNOWN_TOOL, "there is no tool named " + call.name() + "; the tools are "
          + String.join(", ", tools.names()), List.of(), since(t0));
    }
    JsonNode arguments;
    try {
      arguments = JSON.readTree(call.arguments());
    } catch (JsonProcessingException e) {
      arguments = null;
    }
    if (arguments == null) {
      return Executed.failed(Outcome.INVALID_ARGUMENTS, "the arguments are not JSON", List.of(), since(t0));
    }
    List<JsonSchemas.Violation> violations = bound.get().schema().validate(arguments);
    if (!violations.isEmpty()) {
      return Executed.failed(Outcome.INVALID_ARGUMENTS, "the arguments do not match the tool's schema",
          violations.stream().map(JsonSchemas.Violation::toString).toList(), since(t0));
    }
    try {
      ToolOutput output = bound.get().tool().call(arguments, deadline);
      return new Executed(Outcome.OK, Optional.of(output), "", List.of(), since(t0));
    } catch (ToolException e) {
      return Executed.failed(Outcome.ERROR, e.getMessage(), List.of(), since(t0));
    } catch (dev.quarry.runtime.DeadlineExceeded e) {
      return Executed.failed(Outcome.TIMEOUT, "the tool " + call.name() + " did not finish in time", List.of(),
          since(t0));
    } catch (RuntimeException e) {
      return Executed.failed(Outcome.ERROR, "the tool " + call.name() + " failed: " + e.getMessage(), List.of(),
          since(t0));
    }
  }

  /** The tool message for one result: its text, its numbered passages, or the error. */
  private static String render(Executed r, Numbering numbering) {
    if (r.output().isEmpty()) {
      ObjectNode error = JSON.createObjectNode();
      error.put("error", r.outcome().wireName());
      error.put("message", r.error());
      if (!r.violations().isEmpty()) {
        ArrayNode v = error.putArray("violations");
        r.violations().forEach(v::add);
      }
      return error.toString();
    }
    ToolOutput output = r.output().get();
    if (!output.fromDocuments()) {
      return output.text();
    }
    ObjectNode result = JSON.createObjectNode();
    ArrayNode passages = result.putArray("passages");
    for (RetrievedChunk c : output.passages()) {
      int n = numbering.number(c);
      ObjectNode p = passages.addObject();
      p.put("marker", "[" + n + "]");
      p.put("collection", c.collection());
      p.put("document_id", c.chunk().documentId());
      if (c.chunk().title() != null && !c.chunk().title().isEmpty()) {
        p.put("title", c.chunk().title());
      }
      p.put("text", c.chunk().text());
    }
    return result.toString();
  }

  /** Numbers passages from 1 in the order tools returned them; a chunk seen again keeps its number. */
  static final class Numbering {
    private final Map<String, Passage> byKey = new LinkedHashMap<>();

    int number(RetrievedChunk c) {
      String key = c.collection() + '\u0000' + c.chunk().chunkId();
      return byKey.computeIfAbsent(key, k -> new Passage(byKey.size() + 1, c.collection(), c.chunk(), 0)).number();
    }

    Context context() {
      return new Context(new ArrayList<>(byKey.values()), 0, 0, 0);
    }
  }

  private static Duration since(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
