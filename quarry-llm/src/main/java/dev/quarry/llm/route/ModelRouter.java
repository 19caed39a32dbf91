package dev.quarry.llm.route;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatModelInfo;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.core.chat.ToolCall;
import dev.quarry.core.chat.ToolSpec;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.ModelException;
import dev.quarry.llm.TokenCounter;
import dev.quarry.llm.config.RouteStrategy;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A {@link ChatModel} over a route: an ordered list of models, each behind its breaker and retries
 * ({@link ResilientModel}). For each request it first drops the models that cannot serve it, each
 * for a stated reason: one lacking a capability the request needs (tools, {@code json_schema}, and
 * for a configured route called with a stream, streaming), one whose context window cannot hold the
 * prompt (counted with that model's tokenizer, tool schemas included) plus {@code max_tokens}, one
 * whose worst case (the prompt plus {@code max_tokens}, or the rest of its window) costs more than the
 * request's {@code maxCost}. When none is left, the request is refused ({@link InvalidInputException},
 * naming why each model was skipped). The rest are tried in the route's order ({@code cheapest}: by
 * the request's expected cost, prompt plus {@code max_tokens} or {@value #EXPECTED_REPLY} reply
 * tokens), each after the one before failed; a failure after text was streamed to the caller ends
 * the call (its text cannot be taken back). When every model fails or is open, the call fails
 * {@code upstream_unavailable} with each model's reason.
 */
public final class ModelRouter implements ChatModel {

  /** The reply tokens assumed when ordering by cost a request that sets no {@code max_tokens}. */
  static final int EXPECTED_REPLY = 1024;

  private final ChatModelInfo info;
  private final List<RouteCandidate> models;
  private final RouteStrategy strategy;
  private final boolean streamingNeeded;
  private final Clock clock;

  private ModelRouter(ChatModelInfo info, List<RouteCandidate> models, RouteStrategy strategy, boolean streamingNeeded,
      Clock clock) {
    this.info = info;
    this.models = List.copyOf(models);
    this.strategy = strategy;
    this.streamingNeeded = streamingNeeded;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A configured route: it reports its first model's upstream name and context window, and the
   * capabilities of any of its models; a streamed call skips its models that cannot stream.
   */
  public static ModelRouter route(String name, List<RouteCandidate> models, RouteStrategy strategy, Clock clock) {
    if (models.isEmpty()) {
      throw new IllegalArgumentException("route " + name + " needs at least one model");
    }
    Set<ModelCapability> capabilities = EnumSet.noneOf(ModelCapability.class);
    models.forEach(m -> capabilities.addAll(m.model().info().capabilities()));
    ChatModelInfo first = models.getFirst().model().info();
    ChatModelInfo info = new ChatModelInfo(name, "route", first.upstreamModel(), first.contextTokens(), capabilities);
    return new ModelRouter(info, models, strategy, true, clock);
  }

  /** A model named directly: a route of one, which answers a streamed call whole when it cannot stream. */
  public static ModelRouter single(RouteCandidate model, Clock clock) {
    return new ModelRouter(model.model().info(), List.of(model), RouteStrategy.ORDERED, false, clock);
  }

  @Override
  public ChatModelInfo info() {
    return info;
  }

  public RouteStrategy strategy() {
    return strategy;
  }

  /** The route's models, in its configured order. */
  public List<RouteCandidate> models() {
    return models;
  }

  @Override
  public ChatResponse generate(ChatRequest request, ChatStream stream) {
    List<RouteCandidate> order = plan(request, stream != ChatStream.IGNORE);
    List<String> failures = new ArrayList<>();
    ModelException last = null;
    for (RouteCandidate c : order) {
      if (!clock.instant().isBefore(request.deadline())) {
        failures.add(c.name() + ": not tried, the deadline passed");
        continue;
      }
      try {
        return c.model().generate(request, stream);
      } catch (ModelException e) {
        if (e.isAfterFirstToken()) {
          throw e;
        }
        failures.add(e.getMessage());
        last = e;
      }
    }
    if (order.size() == 1 && last != null) {
      throw last;
    }
    throw ModelException.unavailable(info.name(), "route " + info.name() + ": every model failed or is unavailable: "
        + String.join("; ", failures), OptionalInt.empty(), Optional.empty(), last);
  }

  /** The models that can serve {@code request}, in the order to try them; none: the reasons, as a refusal. */
  List<RouteCandidate> plan(ChatRequest request, boolean streamed) {
    List<RouteCandidate> fit = new ArrayList<>();
    Map<RouteCandidate, BigDecimal> expected = new HashMap<>();
    List<String> skipped = new ArrayList<>();
    Map<String, Integer> promptTokens = new HashMap<>();
    for (RouteCandidate c : models) {
      Set<ModelCapability> caps = c.model().info().capabilities();
      Set<ModelCapability> lacking = c.model().info().lacking(request.needs());
      if (!lacking.isEmpty()) {
        skipped.add(c.name() + ": lacks the " + String.join(" and ", lacking.stream().map(ModelCapability::wireName)
            .toList()) + " capability");
        continue;
      }
      if (streamed && streamingNeeded && !caps.contains(ModelCapability.STREAMING)) {
        skipped.add(c.name() + ": lacks the streaming capability");
        continue;
      }
      int context = c.model().info().contextTokens();
      int reply = request.maxTokens().orElse(1);
      boolean costed = request.maxCost().isPresent() || (strategy == RouteStrategy.CHEAPEST && models.size() > 1);
      if (!costed && promptBound(request, c.tokens().encodingName()) + reply <= context) {
        fit.add(c); // fits whatever the exact count, and no cost needs it: the count is skipped
        continue;
      }
      int prompt = promptTokens.computeIfAbsent(c.tokens().encodingName(), e -> countPrompt(c, request));
      if ((long) prompt + reply > context) {
        skipped.add(c.name() + ": the prompt (" + prompt + " tokens)" + (request.maxTokens().isPresent()
            ? " plus max_tokens (" + reply + ")" : "") + " does not fit its context window of " + context + " tokens");
        continue;
      }
      if (request.maxCost().isPresent()) {
        long worstReply = request.maxTokens().isPresent() ? request.maxTokens().getAsInt() : context - prompt;
        BigDecimal worst = c.price().cost(new TokenUsage(prompt, worstReply, 0, false));
        if (worst.compareTo(request.maxCost().get()) > 0) {
          skipped.add(c.name() + ": its worst case (" + prompt + " prompt + " + worstReply + " reply tokens) costs "
              + worst.toPlainString() + ", above max_cost " + request.maxCost().get().toPlainString());
          continue;
        }
      }
      fit.add(c);
      expected.put(c, c.price().cost(new TokenUsage(prompt, request.maxTokens().orElse(EXPECTED_REPLY), 0, false)));
    }
    if (fit.isEmpty()) {
      throw new InvalidInputException((streamingNeeded ? "route " : "model ") + info.name()
          + ": no model can serve this request: " + String.join("; ", skipped));
    }
    if (strategy == RouteStrategy.CHEAPEST) {
      fit.sort(Comparator.comparing(expected::get));
    }
    return fit;
  }

  /**
   * At least as many tokens as {@link #countPrompt} counts with a tokenizer of {@code encoding},
   * without tokenizing: for the messages, the smaller of the caller's bound ({@link
   * ChatRequest#promptBound}, when it was counted with that encoding) and their UTF-8 bytes plus
   * the chat format's tokens per message (a byte-level BPE token stands for one byte or more); for
   * tools and a response format, their bytes. Counting a prompt of a few passages took about as
   * much CPU as the rest of a chat's orchestration (docs/benchmarks.md, issue 8); when the bound
   * fits the window, the exact count changes nothing. A prompt is refused only on its exact count.
   */
  static long promptBound(ChatRequest request, String encoding) {
    long messages = TokenCounter.REPLY_PRIMING_TOKENS;
    for (ChatMessage m : request.messages()) {
      messages += TokenCounter.PER_MESSAGE_TOKENS + utf8(m.content());
      for (ToolCall call : m.toolCalls()) {
        messages += utf8(call.name()) + utf8(call.arguments());
      }
    }
    if (request.promptBound().isPresent() && request.promptBound().get().encoding().equals(encoding)) {
      messages = Math.min(messages, request.promptBound().get().tokens());
    }
    long n = messages;
    for (ToolSpec t : request.tools()) {
      n += utf8(t.name()) + utf8(t.description()) + utf8(t.parametersSchema());
    }
    if (request.responseFormat().isPresent()) {
      n += utf8(request.responseFormat().get().schema());
    }
    return n;
  }

  /** UTF-8 length without encoding: 1 byte per ASCII char, at most 3 per other UTF-16 unit. */
  private static long utf8(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      n += ch < 0x80 ? 1 : ch < 0x800 ? 2 : 3;
    }
    return n;
  }

  private static int countPrompt(RouteCandidate c, ChatRequest request) {
    int n = c.tokens().countPrompt(request.messages());
    for (ToolSpec t : request.tools()) {
      n += c.tokens().count(t.name()) + c.tokens().count(t.description()) + c.tokens().count(t.parametersSchema());
    }
    if (request.responseFormat().isPresent()) {
      n += c.tokens().count(request.responseFormat().get().schema());
    }
    return n;
  }
}
