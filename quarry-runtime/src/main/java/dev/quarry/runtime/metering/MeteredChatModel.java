package dev.quarry.runtime.metering;

import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatModelInfo;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.core.error.BudgetExceededException;
import dev.quarry.core.error.ModelException;
import dev.quarry.llm.TokenCounter;
import dev.quarry.llm.config.Price;
import dev.quarry.store.ledger.Budget;
import dev.quarry.store.ledger.ModelCall;
import dev.quarry.store.ledger.Nanos;
import dev.quarry.store.ledger.Settlement;
import dev.quarry.store.ledger.WindowCharge;
import dev.quarry.store.ledger.WindowDelta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * A {@link ChatModel} whose calls are checked against the tenant's budget, reserved, and recorded
 * in the ledger. Per call, when a {@link CallContext} is bound:
 *
 * <ol>
 *   <li>Check: the model must be allowed, {@code max_tokens} within {@code max_tokens_per_request}
 *       (a request without one gets it as its {@code max_tokens}).</li>
 *   <li>Reserve, when the budget has day or month limits: the worst case, the prompt's tokens
 *       (the model's tokenizer) plus {@code max_tokens} (the default from {@link MeteringSettings}
 *       is set on a request that names none, so the model cannot go past it), priced at the highest
 *       prices the call may be answered at, in the day and month windows at once, or refuse with
 *       {@link BudgetExceededException} before any upstream call.</li>
 *   <li>Stream: output is counted as it arrives; past what was reserved (a provider that ignores
 *       {@code max_tokens}, or counts differently) more is reserved in steps, and when the budget
 *       refuses a step the stream is cut: the call ends with {@link BudgetExceededException}.</li>
 *   <li>Settle: the real usage (the provider's, or counted) and its cost at the answering model's
 *       prices replace the reservation, and the call is recorded ({@link LedgerWriter}); a failed
 *       call releases its reservation and records what it consumed.</li>
 * </ol>
 */
final class MeteredChatModel implements ChatModel {

  /** Output tokens reserved at a time once a stream passes its reservation. */
  static final int STEP = 256;

  private final ChatModel inner;
  private final Metering metering;
  private final Price worst;
  private final TokenCounter tokens;

  MeteredChatModel(ChatModel inner, Metering metering, Price worst, TokenCounter tokens) {
    this.inner = inner;
    this.metering = metering;
    this.worst = worst;
    this.tokens = tokens;
  }

  @Override
  public ChatModelInfo info() {
    return inner.info();
  }

  /** What one call holds in the budget windows; grows when a stream passes it. */
  private static final class Held {
    final List<WindowCharge> charges = new ArrayList<>();
    long tokens;
    long nanos;
  }

  @Override
  public ChatResponse generate(ChatRequest request, ChatStream stream) {
    if (!CallContext.CURRENT.isBound()) {
      return inner.generate(request, stream);
    }
    CallContext ctx = CallContext.CURRENT.get();
    long started = System.nanoTime();
    Optional<Budget> budget = metering.budget(ctx.tenant());
    ChatRequest req = request;
    Held held = new Held();
    long prompt = -1;
    Budget windowed = null;
    if (budget.isPresent()) {
      Budget b = budget.get();
      String name = inner.info().name();
      if (!b.allowsModel(name)) {
        metering.observer().refused(ctx.tenant(), "allowed_models");
        throw new BudgetExceededException("allowed_models", Optional.empty(), "allowed_models: tenant '"
            + ctx.tenant() + "' may not use the model '" + name + "'; its budget allows " + b.allowedModels().orElseThrow());
      }
      if (b.maxTokensPerRequest().isPresent()) {
        long max = b.maxTokensPerRequest().getAsLong();
        if (req.maxTokens().isPresent() && req.maxTokens().getAsInt() > max) {
          metering.observer().refused(ctx.tenant(), "max_tokens_per_request");
          throw new BudgetExceededException("max_tokens_per_request", Optional.empty(), "max_tokens_per_request: "
              + "max_tokens " + req.maxTokens().getAsInt() + " exceeds tenant '" + ctx.tenant() + "'s limit of " + max);
        }
        if (req.maxTokens().isEmpty()) {
          req = withMaxTokens(req, (int) Math.min(Integer.MAX_VALUE, Math.max(1, max)));
        }
      }
      if (b.windowed()) {
        windowed = b;
        int out = req.maxTokens().orElse(metering.settings().defaultMaxTokens());
        req = withMaxTokens(req, out);
        prompt = tokens.countPrompt(req.messages());
        reserve(ctx, b, held, prompt + out, Nanos.of(worst.cost(new TokenUsage(prompt, out, 0, false))),
            "the call's worst case");
      }
    }
    Counting counting = new Counting(stream, ctx, windowed, held,
        windowed == null ? -1 : held.tokens - prompt, started);
    ChatResponse response;
    try {
      response = inner.generate(req, counting);
    } catch (BudgetExceededException e) {
      if (counting.cut) {
        settle(ctx, held, inner.info().name(), new TokenUsage(promptTokens(req, prompt), counting.output, 0, true),
            started, counting.firstToken(), ModelCall.Outcome.CUT);
      } else {
        settle(ctx, held, inner.info().name(), TokenUsage.NONE, started, Optional.empty(), ModelCall.Outcome.FAILED);
      }
      throw e;
    } catch (ModelException e) {
      TokenUsage used = e.partialUsage();
      if (used.equals(TokenUsage.NONE) && counting.output > 0) {
        used = new TokenUsage(promptTokens(req, prompt), counting.output, 0, true);
      }
      settle(ctx, held, e.model(), used, started, counting.firstToken(), ModelCall.Outcome.FAILED);
      throw e;
    } catch (RuntimeException | Error e) {
      TokenUsage used = counting.output > 0
          ? new TokenUsage(promptTokens(req, prompt), counting.output, 0, true) : TokenUsage.NONE;
      settle(ctx, held, inner.info().name(), used, started, counting.firstToken(), ModelCall.Outcome.FAILED);
      throw e;
    }
    settle(ctx, held, response.model(), response.usage(), started,
        response.timeToFirstToken().or(counting::firstToken), ModelCall.Outcome.OK);
    return response;
  }

  private long promptTokens(ChatRequest req, long counted) {
    return counted >= 0 ? counted : tokens.countPrompt(req.messages());
  }

  private void reserve(CallContext ctx, Budget b, Held held, long tokensMore, long nanosMore, String what) {
    List<WindowCharge> charges = metering.charges(b, tokensMore, nanosMore);
    metering.reserve(ctx.tenant(), charges, what);
    held.charges.addAll(charges);
    held.tokens += tokensMore;
    held.nanos += nanosMore;
  }

  private void settle(CallContext ctx, Held held, String model, TokenUsage usage, long started,
      Optional<Duration> firstToken, ModelCall.Outcome outcome) {
    Price price = metering.price(model).orElse(worst);
    long cost = Nanos.of(price.cost(usage));
    long used = usage.inputTokens() + usage.outputTokens();
    List<WindowDelta> deltas = new ArrayList<>();
    // each step of a reservation charged both windows; release per window what the call did not use
    java.util.Map<String, long[]> byPeriod = new java.util.LinkedHashMap<>();
    for (WindowCharge c : held.charges) {
      byPeriod.computeIfAbsent(c.period(), p -> new long[2]);
      byPeriod.get(c.period())[0] += c.tokens();
      byPeriod.get(c.period())[1] += c.costNanos();
    }
    // what the call held beyond its usage goes back to this process's lease; what it used beyond
    // what it held (a provider counting more than Quarry's estimate) is added to the window
    byPeriod.forEach((period, h) -> {
      metering.giveBack(ctx.tenant(), period, h[0] - used, h[1] - cost);
      long overTokens = Math.max(0, used - h[0]);
      long overNanos = Math.max(0, cost - h[1]);
      if (overTokens > 0 || overNanos > 0) {
        deltas.add(new WindowDelta(period, overTokens, overNanos));
      }
    });
    Duration latency = Duration.ofNanos(System.nanoTime() - started);
    ModelCall call = new ModelCall(ctx.tenant(), UUID.randomUUID().toString(), ctx.keyId(), ctx.session(), ctx.route(),
        model, metering.clock().instant(), usage.inputTokens(), usage.outputTokens(), usage.cachedTokens(),
        usage.counted(), latency, firstToken, cost, outcome);
    metering.writer().submit(new Settlement(call, deltas));
    metering.observer().charged(ctx.tenant(), model, usage, cost);
  }

  private static ChatRequest withMaxTokens(ChatRequest r, int max) {
    return r.withMaxTokens(max);
  }

  /** Passes deltas on, counting their tokens; reserves more past the reservation, or cuts the stream. */
  private final class Counting implements ChatStream {
    private final ChatStream downstream;
    private final CallContext ctx;
    private final Budget budget;
    private final Held held;
    private final long started;
    private long allowed;
    long output;
    boolean cut;
    private long firstTokenNanos = -1;

    Counting(ChatStream downstream, CallContext ctx, Budget budget, Held held, long allowed, long started) {
      this.downstream = downstream;
      this.ctx = ctx;
      this.budget = budget;
      this.held = held;
      this.allowed = allowed;
      this.started = started;
    }

    @Override
    public void onDelta(String text) {
      if (firstTokenNanos < 0) {
        firstTokenNanos = System.nanoTime();
      }
      if (budget != null) {
        output += tokens.count(text);
        while (output > allowed) {
          try {
            reserve(ctx, budget, held, STEP, Nanos.of(worst.cost(new TokenUsage(0, STEP, 0, false))),
                "the stream was cut after " + allowed + " output tokens: " + STEP + " more");
          } catch (BudgetExceededException e) {
            cut = true;
            throw e;
          }
          allowed += STEP;
        }
      }
      downstream.onDelta(text);
    }

    Optional<Duration> firstToken() {
      return firstTokenNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(firstTokenNanos - started));
    }
  }
}
