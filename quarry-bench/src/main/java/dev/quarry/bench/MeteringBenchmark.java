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
import dev.quarry.llm.TokenCounter;
import dev.quarry.llm.config.Price;
import dev.quarry.runtime.metering.CallContext;
import dev.quarry.runtime.metering.Metering;
import dev.quarry.runtime.metering.MeteringObserver;
import dev.quarry.runtime.metering.MeteringSettings;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.jdbc.PostgresSettings;
import dev.quarry.store.jdbc.PostgresStore;
import dev.quarry.store.jdbc.SqliteSettings;
import dev.quarry.store.jdbc.SqliteStore;
import dev.quarry.store.ledger.Budget;
import dev.quarry.store.tenant.TenantId;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The accounting overhead per model call (issue 9's floor: P95 <= 1 ms): the time of a metered call
 * against an instant in-process upstream (a {@link ChatModel} that answers at once, so the time is
 * the decorator's own: budget lookup, prompt count, the reservation's transaction, settlement
 * queued), one call at a time, for a tenant with a day and month budget (a reservation per call)
 * and for one without (the ledger only). On the embedded SQLite store, and on PostgreSQL when
 * {@code --postgres JDBC_URL} (user {@code postgres}) is given. The ledger writer's batches run on
 * their own thread meanwhile, as in the server.
 *
 * <p>{@code ./quarry bench metering [--calls N] [--postgres jdbc:postgresql://127.0.0.1:5432/test]}
 */
final class MeteringBenchmark {

  private MeteringBenchmark() {}

  static void run(String[] args) throws Exception {
    int calls = 20_000;
    Optional<String> postgres = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--calls" -> calls = Integer.parseInt(args[++i]);
        case "--postgres" -> postgres = Optional.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--calls N, --postgres URL)");
      }
    }
    Path dir = Files.createTempDirectory("quarry-bench-metering");
    try (Store sqlite = SqliteStore.open(SqliteSettings.in(dir), StoreOptions.defaults())) {
      bench("sqlite", sqlite, calls);
    }
    if (postgres.isPresent()) {
      try (Store pg = PostgresStore.open(PostgresSettings.of(postgres.get(), "postgres")
          .withSchema("bench_metering_" + System.currentTimeMillis()), StoreOptions.defaults())) {
        bench("postgresql", pg, calls);
      }
    }
    System.out.println(Machine.describe());
  }

  private static void bench(String name, Store store, int calls) {
    TenantId budgeted = store.tenants().create(TenantId.of("budgeted")).id();
    TenantId free = store.tenants().create(TenantId.of("free")).id();
    store.ledger().putBudget(budgeted, new Budget(OptionalLong.of(Long.MAX_VALUE / 4), OptionalLong.of(Long.MAX_VALUE / 4),
        OptionalLong.of(Long.MAX_VALUE / 4), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty()),
        Instant.now());
    Price price = new Price(new BigDecimal("0.15"), new BigDecimal("0.60"));
    TokenCounter counter = TokenCounter.forModel("gpt-4o-mini");
    try (Metering metering = new Metering(store.ledger(), Clock.systemUTC(), MeteringSettings.DEFAULT,
        MeteringObserver.NONE, n -> Optional.of(price), n -> counter)) {
      ChatRequest request = new ChatRequest(List.of(ChatMessage.system("Answer from the passages; cite them."),
          ChatMessage.user("When do cluster certificates expire, and how are they renewed?")), OptionalInt.of(256),
          OptionalDouble.empty(), List.of(), Optional.empty(), Instant.now().plus(Duration.ofDays(1)));
      TokenUsage small = new TokenUsage(30, 8, 0, false);
      TokenUsage worst = new TokenUsage(counter.countPrompt(request.messages()), 256, 0, false);
      record Scenario(String what, TenantId tenant, TokenUsage usage) {}
      for (Scenario sc : List.of(
          new Scenario("with a day and month budget, calls using 38 tokens of a worst case of " + worst.inputTokens()
              + " + 256", budgeted, small),
          new Scenario("with a day and month budget, calls using their whole worst case", budgeted, worst),
          new Scenario("without a budget (ledger only)", free, small))) {
        ChatModel metered = metering.wrap(new Instant0(sc.usage()));
        CallContext ctx = new CallContext(sc.tenant(), Optional.of("key-1"), Optional.of("session-1"), "small");
        run(ctx, metered, request, Math.max(1000, calls / 5)); // warm-up: JIT, connections, encodings
        long[] nanos = run(ctx, metered, request, calls);
        metering.flush();
        System.out.printf("metering %s, tenant %s: %s%n", name, sc.what(), new Percentiles(nanos));
      }
    }
  }

  private static long[] run(CallContext ctx, ChatModel metered, ChatRequest request, int calls) {
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      long t0 = System.nanoTime();
      ctx.call(() -> metered.generate(request, ChatStream.IGNORE));
      nanos[i] = System.nanoTime() - t0;
    }
    return nanos;
  }

  /** An upstream that answers at once. */
  private static final class Instant0 implements ChatModel {
    private final ChatModelInfo info = new ChatModelInfo("small", "bench", "gpt-4o-mini", 128_000,
        Set.of(ModelCapability.STREAMING));
    private final ChatResponse answer;

    Instant0(TokenUsage usage) {
      answer = new ChatResponse("Certificates expire after a year.", List.of(), FinishReason.STOP, usage, "gpt-4o-mini",
          Optional.empty(), "small");
    }

    @Override
    public ChatModelInfo info() {
      return info;
    }

    @Override
    public ChatResponse generate(ChatRequest request, ChatStream stream) {
      return answer;
    }
  }
}
