package dev.quarry.bench;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatModelInfo;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.FinishReason;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.core.error.ModelException;
import dev.quarry.llm.TokenCounter;
import dev.quarry.llm.config.Price;
import dev.quarry.llm.config.ResilienceConfig;
import dev.quarry.llm.config.RouteStrategy;
import dev.quarry.llm.route.ModelHealth;
import dev.quarry.llm.route.ModelRouter;
import dev.quarry.llm.route.ResilientModel;
import dev.quarry.llm.route.RouteCandidate;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;

/**
 * {@code ./quarry bench routing}: the router's own time per model call, against an instant
 * in-process upstream (a {@link ChatModel} that answers at once and times itself): each call's wall
 * time through {@link ModelRouter} and {@link ResilientModel} (plan: capabilities, the prompt
 * counted with the model's tokenizer, context and cost checks, ordering; the breaker's permission
 * and outcome; Resilience4j's retry wrapper) minus the time spent inside the upstream. Three
 * scenarios: the first model serves; a {@code cheapest} route of three; the first model's breaker
 * is open and the second serves. Single thread, {@code --calls} measured calls (default 100,000)
 * after as many warm-up calls; the prompt is a system message and a 200-word question.
 */
public final class RoutingOverheadBenchmark {

  private RoutingOverheadBenchmark() {}

  /** An upstream that answers at once and adds the time spent inside it to {@link #inside}. */
  static final class InstantModel implements ChatModel {
    final ChatModelInfo info;
    volatile boolean failing;
    long inside;

    InstantModel(String name, Set<ModelCapability> caps) {
      this.info = new ChatModelInfo(name, "bench", "gpt-4o-mini", 128_000, caps);
    }

    @Override
    public ChatModelInfo info() {
      return info;
    }

    @Override
    public ChatResponse generate(ChatRequest request, ChatStream stream) {
      long t0 = System.nanoTime();
      try {
        if (failing) {
          throw ModelException.unavailable(info.name(), "model " + info.name() + ": the upstream answered 503",
              OptionalInt.of(503), Optional.empty(), null);
        }
        stream.onDelta("ok");
        return new ChatResponse("ok", List.of(), FinishReason.STOP, new TokenUsage(250, 1, 0, false), "gpt-4o-mini",
            Optional.empty());
      } finally {
        inside += System.nanoTime() - t0;
      }
    }
  }

  public static void run(String[] args) {
    int calls = 100_000;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--calls") && i + 1 < args.length) {
        calls = Integer.parseInt(args[++i]);
      } else {
        throw new IllegalArgumentException("usage: quarry bench routing [--calls N], got: " + args[i]);
      }
    }
    System.out.println(Machine.describe());
    Clock clock = Clock.systemUTC();
    ResilienceConfig resilience = new ResilienceConfig(Duration.ofSeconds(60), 3, Duration.ofMillis(200),
        Duration.ofSeconds(5), Duration.ofSeconds(10), 50, 10, 50, Duration.ofHours(1), 3);
    Set<ModelCapability> caps = Set.of(ModelCapability.STREAMING, ModelCapability.TOOLS);
    String question = "word ".repeat(200);
    List<ChatMessage> prompt = List.of(ChatMessage.system("Answer from the context; cite passages as [n]."),
        ChatMessage.user(question));

    for (String scenario : List.of("first-serves", "cheapest-of-3", "first-open")) {
      ModelHealth health = new ModelHealth(resilience, clock);
      List<InstantModel> upstreams = new ArrayList<>();
      List<RouteCandidate> candidates = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        InstantModel m = new InstantModel(scenario + "-" + i, caps);
        upstreams.add(m);
        candidates.add(new RouteCandidate(new ResilientModel(m, health, new Random(42), clock),
            new Price(BigDecimal.valueOf(3 - i), BigDecimal.valueOf(6 - i)), TokenCounter.forModel("gpt-4o-mini")));
      }
      ModelRouter router = switch (scenario) {
        case "cheapest-of-3" -> ModelRouter.route("r", candidates, RouteStrategy.CHEAPEST, clock);
        default -> ModelRouter.route("r", candidates.subList(0, 2), RouteStrategy.ORDERED, clock);
      };
      if (scenario.equals("first-open")) {
        upstreams.getFirst().failing = true;
        for (int i = 0; i < 20 && !health.status().getFirst().state().equals("open"); i++) {
          router.generate(request(prompt), ChatStream.IGNORE);
        }
        System.out.println("  " + scenario + ": breaker of the first model " + health.status().getFirst().state());
      }
      measure(router, upstreams, prompt, calls); // warm-up
      long[] overhead = measure(router, upstreams, prompt, calls);
      System.out.println("  " + scenario + ": router's own time per call " + new Percentiles(overhead));
    }
    System.out.println(Machine.describe());
  }

  private static ChatRequest request(List<ChatMessage> prompt) {
    return new ChatRequest(prompt, OptionalInt.of(256), OptionalDouble.empty(), List.of(), Optional.empty(),
        Instant.now().plusSeconds(30), Optional.empty(), Optional.of(new BigDecimal("1")));
  }

  private static long[] measure(ModelRouter router, List<InstantModel> upstreams, List<ChatMessage> prompt, int calls) {
    long[] overhead = new long[calls];
    for (int i = 0; i < calls; i++) {
      ChatRequest r = request(prompt);
      long inside0 = 0;
      for (InstantModel m : upstreams) {
        inside0 += m.inside;
      }
      long t0 = System.nanoTime();
      router.generate(r, ChatStream.IGNORE);
      long wall = System.nanoTime() - t0;
      long inside = -inside0;
      for (InstantModel m : upstreams) {
        inside += m.inside;
      }
      overhead[i] = wall - inside;
    }
    return overhead;
  }
}
