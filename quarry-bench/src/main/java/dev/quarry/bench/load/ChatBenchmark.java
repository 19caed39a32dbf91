package dev.quarry.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.bench.Machine;
import dev.quarry.bench.Percentiles;
import dev.quarry.core.error.QuarryException;
import dev.quarry.core.observe.Stage;
import dev.quarry.eval.dataset.BeirDataset;
import dev.quarry.eval.dataset.EvalSplit;
import dev.quarry.eval.dataset.Query;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import dev.quarry.llm.testing.ScriptedServer;
import dev.quarry.server.metrics.MetricNames;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The floors of the answer pipeline (issue 8), each against {@code quarry serve} in its own process
 * on loopback (as {@code bench load}), the corpus uploaded through the HTTP batch API once per data
 * directory, and, where a model is called, {@link ScriptedOpenAiServer} in this JVM as its
 * upstream, so the upstream's own times ({@link ScriptedServer.Served}) are on this JVM's clock:
 *
 * <ul>
 *   <li>{@code chat-overhead}: one client, {@code POST /v1/chat} with a configured model whose
 *       upstream answers at once; Quarry's orchestration overhead per request is everything but the
 *       {@code retrieve} and {@code generate} stages: measured as the client's wall time minus those
 *       two stages' server-side times, as the sum of the other stages, and as process CPU minus
 *       those two stages' CPU ({@code /metrics}).
 *   <li>{@code chat-extractive}: one client, extractive {@code /v1/chat} over the test claims (after
 *       train claims of warm-up): wall time per request; then each claim streamed once more, and
 *       how often the first citation's document is relevant (qrels) against how often retrieval's
 *       top passage (passage 1 of the {@code citations} event) is; every citation's quote is checked
 *       against the stored document at its offsets.
 *   <li>{@code chat-stream}: {@code --clients} concurrent streamed chats for {@code --duration}
 *       against an upstream with {@code --first-token-ms} to its first token and {@code
 *       --tokens-per-second}; errors, the time to first token Quarry added (the client's time to
 *       the first {@code delta} minus the upstream's own, request by request), and the server's
 *       heap after each collection (its GC log) through the run, with a full collection (jcmd
 *       GC.run) after the warm-up and at the end, and the server's CPU per chat. The clients start
 *       spread over {@code --ramp} (one chat's cycle by default; {@code 0}: all at once) in the
 *       warm-up and again in the measured phase, whose chats sent after that ramp are measured;
 *       {@code --jitter} adds a random think time between a client's chats ({@link Arrivals}).
 * </ul>
 */
public final class ChatBenchmark {

  public static final String USAGE = """
      usage: quarry bench chat-overhead|chat-extractive|chat-stream [--dataset DIR] [--data-dir DIR]
             [--duration 60s] [--warmup 20s] [--clients 32] [--split test] [--k 5]
             [--first-token-ms 300] [--tokens-per-second 50] [--tokens 50] [--ramp CYCLE] [--jitter 0]
             [--seed 1] [--server-log FILE] [--setup-timeout 3h]""";

  static final String TENANT = "bench";
  static final String MODEL = "bench";
  private static final Pattern MARKER = Pattern.compile("\\(request (\\d+)\\)");

  /**
   * The options; see {@link #USAGE}. {@code arrivals}: when {@code chat-stream}'s clients send; its ramp is one
   * chat's cycle at the upstream ({@code --first-token-ms} plus {@code --tokens} at {@code --tokens-per-second})
   * unless {@code --ramp} is given.
   */
  record Options(Path dataset, Path dataDir, Duration duration, Duration warmup, int clients, String split, int k,
      int firstTokenMs, double tokensPerSecond, int tokens, Arrivals arrivals, Path serverLog, Duration setupTimeout) {

    static Options parse(String[] args) {
      Path dataset = Path.of("../shared/datasets/scifact");
      Path dataDir = Path.of(System.getProperty("user.home"), ".cache", "quarry-bench", "load");
      Duration duration = Duration.ofSeconds(60);
      Duration warmup = Duration.ofSeconds(20);
      int clients = 32;
      String split = "test";
      int k = 5;
      int firstTokenMs = 300;
      double tps = 50;
      int tokens = 50;
      Duration ramp = null;
      Duration jitter = Duration.ZERO;
      long seed = 1;
      Path log = Path.of(System.getProperty("java.io.tmpdir"), "quarry-bench-chat-server.log");
      Duration setup = Duration.ofHours(3);
      for (int i = 0; i < args.length; i++) {
        String v = i + 1 < args.length ? args[i + 1] : null;
        if (v == null) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        switch (args[i]) {
          case "--dataset" -> dataset = Path.of(v);
          case "--data-dir" -> dataDir = Path.of(v);
          case "--duration" -> duration = LoadOptions.duration(args[i], v);
          case "--warmup" -> warmup = LoadOptions.duration(args[i], v);
          case "--clients" -> clients = Integer.parseInt(v);
          case "--split" -> split = v;
          case "--k" -> k = Integer.parseInt(v);
          case "--first-token-ms" -> firstTokenMs = Integer.parseInt(v);
          case "--tokens-per-second" -> tps = Double.parseDouble(v);
          case "--tokens" -> tokens = Integer.parseInt(v);
          case "--ramp" -> ramp = durationOrZero(args[i], v);
          case "--jitter" -> jitter = durationOrZero(args[i], v);
          case "--seed" -> seed = Long.parseLong(v);
          case "--server-log" -> log = Path.of(v);
          case "--setup-timeout" -> setup = LoadOptions.duration(args[i], v);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
        i++;
      }
      if (clients < 1 || k < 1 || tokens < 1 || firstTokenMs < 0 || tps < 0) {
        throw new IllegalArgumentException("--clients, --k and --tokens must be positive, the upstream's times not negative");
      }
      if (ramp == null) {
        ramp = cycle(firstTokenMs, tps, tokens);
      }
      return new Options(dataset, dataDir, duration, warmup, clients, split, k, firstTokenMs, tps, tokens,
          new Arrivals(ramp, jitter, seed), log, setup);
    }

    /** One chat at the upstream: the wait for the first token, then the tokens at their rate (at once when 0/s). */
    static Duration cycle(int firstTokenMs, double tokensPerSecond, int tokens) {
      long streaming = tokensPerSecond > 0 ? Math.round(tokens * 1e9 / tokensPerSecond) : 0;
      return Duration.ofMillis(firstTokenMs).plusNanos(streaming);
    }

    /** A duration as {@link LoadOptions#duration}, or a bare {@code 0}. */
    private static Duration durationOrZero(String option, String value) {
      return value.equals("0") ? Duration.ZERO : LoadOptions.duration(option, value);
    }
  }

  private ChatBenchmark() {}

  public static void run(String name, String... args) throws Exception {
    if (List.of(args).contains("--help")) {
      System.out.println(USAGE);
      return;
    }
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("quarry bench " + name + ": " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    try {
      switch (name) {
        case "chat-overhead" -> overhead(o);
        case "chat-extractive" -> extractive(o);
        case "chat-stream" -> stream(o);
        default -> throw new IllegalArgumentException("unknown benchmark " + name);
      }
    } catch (QuarryException | IllegalStateException e) {
      System.err.println("quarry bench " + name + ": " + e.getMessage());
      System.exit(1);
    }
  }

  /** A running server with the corpus in collection {@code collection}, and a key of the bench tenant. */
  private record Setup(ServeProcess server, ApiClient api, String key, String collection, BeirDataset dataset)
      implements AutoCloseable {
    @Override
    public void close() {
      server.close();
    }
  }

  private static Setup setup(Options o, String llm, List<String> jvmOptions) throws Exception {
    BeirDataset ds = BeirDataset.open(o.dataset());
    List<String> corpus = CorpusUpload.lines(ds.corpus());
    String collection = ds.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
    Path config = Files.createTempFile("quarry-bench-chat-", ".yaml");
    config.toFile().deleteOnExit();
    Files.writeString(config, """
        server:
          host: 127.0.0.1
        cache:
          results:
            enabled: false
          query_embeddings:
            enabled: false
        """ + llm);
    String adminKey = HexFormat.of().formatHex(randomBytes());
    ServeProcess server = ServeProcess.start(o.dataDir().toAbsolutePath(), config, adminKey, jvmOptions,
        o.serverLog(), Duration.ofMinutes(3));
    try {
      System.out.printf(Locale.ROOT, "dataset: %s, %,d documents; server pid %d at %s, data in %s, log %s%n", ds.name(),
          corpus.size(), server.pid(), server.base(), o.dataDir().toAbsolutePath(), o.serverLog().toAbsolutePath());
      ApiClient admin = new ApiClient(ApiClient.newHttpClient(), server.base(), Optional.of(adminKey));
      admin.json("POST", "/v1/tenants", Map.of("id", TENANT), 201, 409);
      String key = admin.json("POST", "/v1/tenants/" + TENANT + "/keys",
          Map.of("scopes", List.of("ingest", "search")), 201).body().path("key").asText();
      ApiClient api = admin.withKey(key);
      CorpusUpload.ensure(api, collection, corpus, o.setupTimeout());
      return new Setup(server, api, key, collection, ds);
    } catch (Exception e) {
      server.close();
      throw e;
    }
  }

  /** The llm section naming {@code upstream}'s model {@value #MODEL}. */
  private static String llm(URI upstream) {
    return """
        llm:
          providers:
            - name: scripted
              kind: openai
              base_url: %s
              timeout: 30s
          models:
            - name: %s
              provider: scripted
              model: scripted-model
              context_tokens: 8192
        """.formatted(upstream, MODEL);
  }

  private static List<Query> questions(BeirDataset ds, String split) {
    return ds.split(split).queries();
  }

  private static byte[] chatBody(String question, String collection, String model, int k, boolean stream) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", question);
    body.put("collections", List.of(collection));
    body.put("model", model);
    body.put("k", k);
    body.put("stream", stream);
    try {
      return ApiClient.JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double ms(JsonNode timings, String stage) {
    return timings.path(stage + "_ms").asDouble(0);
  }

  // ---- chat-overhead ----------------------------------------------------------------------------

  private static void overhead(Options o) throws Exception {
    String[] tokens = new String[20];
    Arrays.fill(tokens, "word ");
    tokens[19] = "[1].";
    try (ScriptedOpenAiServer upstream = ScriptedOpenAiServer.start()) {
      upstream.respondByDefault(ScriptedReply.text(tokens));
      try (Setup s = setup(o, llm(upstream.baseUrl()), List.of())) {
        List<Query> questions = questions(s.dataset(), o.split());
        KeepAliveClient client = new KeepAliveClient(s.server().base(), Duration.ofSeconds(60));
        String auth = "Bearer " + s.key();
        long warmEnd = System.nanoTime() + o.warmup().toNanos();
        int i = 0;
        while (System.nanoTime() < warmEnd) {
          check(client.post("/v1/chat", auth, chatBody(questions.get(i++ % questions.size()).text(), s.collection(),
              MODEL, o.k(), false)));
        }
        System.out.printf(Locale.ROOT, "warm-up: %d requests [load %s]%n", i, Machine.loadAverage());
        PrometheusScrape before = s.api().metrics();
        List<Long> wallOverhead = new ArrayList<>();
        List<Long> stageOverhead = new ArrayList<>();
        List<Long> walls = new ArrayList<>();
        long end = System.nanoTime() + o.duration().toNanos();
        while (System.nanoTime() < end) {
          byte[] body = chatBody(questions.get(i++ % questions.size()).text(), s.collection(), MODEL, o.k(), false);
          long t0 = System.nanoTime();
          KeepAliveClient.Answer a = client.post("/v1/chat", auth, body);
          long wall = System.nanoTime() - t0;
          JsonNode t = check(a).path("timings");
          walls.add(wall);
          wallOverhead.add(wall - Math.round((ms(t, "retrieve") + ms(t, "generate")) * 1e6));
          stageOverhead.add(Math.round((ms(t, "rewrite") + ms(t, "assemble") + ms(t, "cite")) * 1e6));
        }
        PrometheusScrape after = s.api().metrics();
        int n = walls.size();
        double processMs = after.increase(before, MetricNames.PROCESS_CPU, Map.of()) * 1000 / n;
        double retrieveMs = stageCpu(before, after, Stage.RETRIEVE) * 1000 / n;
        double generateMs = stageCpu(before, after, Stage.GENERATE) * 1000 / n;
        double unmeasured = after.increase(before, MetricNames.STAGE_CPU_UNMEASURED,
            Map.of(MetricNames.LABEL_STAGE, Stage.RETRIEVE.wireName()));
        System.out.printf(Locale.ROOT, "requests: %d in %s, upstream requests %d [load %s]%n", n,
            LoadOptions.format(o.duration()), upstream.requests().size(), Machine.loadAverage());
        // the same questions as plain hybrid searches (what retrieve does), for the CPU of retrieval alone
        PrometheusScrape searchBefore = s.api().metrics();
        int searches = 0;
        long searchEnd = System.nanoTime() + o.duration().toNanos();
        while (System.nanoTime() < searchEnd) {
          byte[] body = ApiClient.JSON.writeValueAsBytes(Map.of("query", questions.get(searches % questions.size()).text(),
              "mode", "hybrid", "k", o.k()));
          check(client.post("/v1/collections/" + ApiClient.segment(s.collection()) + "/search", auth, body));
          searches++;
        }
        PrometheusScrape searchAfter = s.api().metrics();
        client.close();
        double searchMs = searchAfter.increase(searchBefore, MetricNames.PROCESS_CPU, Map.of()) * 1000 / searches;
        System.out.printf(Locale.ROOT, "process CPU-ms per request: chat %.2f, hybrid search of the same questions %.2f "
            + "(%d searches); the difference, %.2f, is everything but retrieval: the model call's client, "
            + "orchestration, session store, HTTP and JSON [load %s]%n", processMs, searchMs, searches,
            processMs - searchMs, Machine.loadAverage());
        System.out.println("wall per request (client):                     " + percentiles(walls));
        System.out.println("overhead = wall - retrieve - generate (server): " + percentiles(wallOverhead));
        System.out.println("rewrite + assemble + cite (server):             " + percentiles(stageOverhead));
        if (unmeasured > 0) {
          System.out.printf(Locale.ROOT, "stage CPU: not measurable for %.0f of %d retrieve stages (virtual threads)%n",
              unmeasured, n);
        } else {
          System.out.printf(Locale.ROOT, "stage CPU-ms per request: retrieve %.2f, generate %.2f; process minus both %.2f%n",
              retrieveMs, generateMs, processMs - retrieveMs - generateMs);
        }
        double p95 = new Percentiles(toArray(wallOverhead)).millis(95);
        System.out.printf(Locale.ROOT, "floor: orchestration overhead p95 <= 5 ms: %s (%.2f ms, wall-based)%n",
            p95 <= 5 ? "PASS" : "FAIL", p95);
        System.out.println(Machine.describe() + " (this benchmark process)");
      }
    }
  }

  private static double stageCpu(PrometheusScrape before, PrometheusScrape after, Stage stage) {
    return after.increase(before, MetricNames.STAGE_CPU, Map.of(MetricNames.LABEL_STAGE, stage.wireName()));
  }

  private static JsonNode check(KeepAliveClient.Answer a) throws IOException {
    String body = new String(a.body(), StandardCharsets.UTF_8);
    if (a.status() != 200) {
      throw new IllegalStateException("/v1/chat answered " + a.status() + ": " + ApiClient.abbreviate(body));
    }
    return ApiClient.JSON.readTree(body);
  }

  // ---- chat-extractive --------------------------------------------------------------------------

  private static void extractive(Options o) throws Exception {
    try (Setup s = setup(o, "", List.of())) {
      KeepAliveClient client = new KeepAliveClient(s.server().base(), Duration.ofSeconds(60));
      String auth = "Bearer " + s.key();
      List<Query> measured = questions(s.dataset(), o.split());
      String other = o.split().equals("test") ? "train" : "test";
      List<Query> warm = s.dataset().splits().contains(other) ? questions(s.dataset(), other) : measured;
      long warmEnd = System.nanoTime() + o.warmup().toNanos();
      int w = 0;
      while (System.nanoTime() < warmEnd) {
        check(client.post("/v1/chat", auth, chatBody(warm.get(w++ % warm.size()).text(), s.collection(), "extractive",
            o.k(), false)));
      }
      System.out.printf(Locale.ROOT, "warm-up: %d requests (%s claims) [load %s]%n", w, other, Machine.loadAverage());
      PrometheusScrape before = s.api().metrics();
      List<Long> walls = new ArrayList<>();
      Map<String, List<Long>> stages = new LinkedHashMap<>();
      for (Query q : measured) {
        byte[] body = chatBody(q.text(), s.collection(), "extractive", o.k(), false);
        long t0 = System.nanoTime();
        KeepAliveClient.Answer a = client.post("/v1/chat", auth, body);
        walls.add(System.nanoTime() - t0);
        JsonNode t = check(a).path("timings");
        t.fieldNames().forEachRemaining(f -> stages.computeIfAbsent(f, x -> new ArrayList<>())
            .add(Math.round(t.path(f).asDouble() * 1e6)));
      }
      PrometheusScrape after = s.api().metrics();
      client.close();
      double cpuMs = after.increase(before, MetricNames.PROCESS_CPU, Map.of()) * 1000 / walls.size();
      System.out.printf(Locale.ROOT, "extractive /v1/chat, %s claims, one client [load %s]%n", o.split(),
          Machine.loadAverage());
      System.out.println("  wall per request: " + percentiles(walls));
      stages.forEach((stage, v) -> System.out.println("  " + stage + ": " + percentiles(v)));
      System.out.printf(Locale.ROOT, "  server process CPU-ms per request: %.2f%n", cpuMs);
      double p95 = new Percentiles(toArray(walls)).millis(95);
      System.out.printf(Locale.ROOT, "floor: extractive /v1/chat p95 <= 60 ms: %s (%.2f ms)%n", p95 <= 60 ? "PASS" : "FAIL",
          p95);

      quality(s, o, s.dataset().split(o.split()));
      System.out.println(Machine.describe() + " (this benchmark process)");
    }
  }

  /** First citation vs retrieval's top passage against the qrels; every quote checked at its offsets. */
  private static void quality(Setup s, Options o, EvalSplit split) throws Exception {
    Map<String, String> stored = new HashMap<>();
    int answered = 0;
    int firstRelevant = 0;
    int topRelevant = 0;
    int anyRelevant = 0;
    int noCitation = 0;
    int quotes = 0;
    List<String> badQuotes = new ArrayList<>();
    for (Query q : split.queries()) {
      SseClient.Streamed r = SseClient.post(s.server().base(), "/v1/chat", s.key(),
          chatBody(q.text(), s.collection(), "extractive", o.k(), true), Duration.ofSeconds(60));
      SseClient.Event passages = r.first("citations");
      SseClient.Event done = r.first("done");
      if (r.status() != 200 || passages == null || done == null) {
        throw new IllegalStateException("streamed /v1/chat for " + q.id() + " answered " + r.status() + ": "
            + r.errorBody() + r.events());
      }
      answered++;
      Map<String, Integer> relevant = split.qrels().of(q.id());
      JsonNode top = passages.data().path("passages").path(0);
      if (!top.isMissingNode() && relevant.getOrDefault(top.path("document_id").asText(), 0) > 0) {
        topRelevant++;
      }
      JsonNode citations = done.data().path("citations");
      if (citations.isEmpty()) {
        noCitation++;
      } else if (relevant.getOrDefault(citations.get(0).path("document_id").asText(), 0) > 0) {
        firstRelevant++;
      }
      boolean any = false;
      for (JsonNode c : citations) {
        any |= relevant.getOrDefault(c.path("document_id").asText(), 0) > 0;
        String id = c.path("document_id").asText();
        String text = stored.get(id);
        if (text == null) {
          text = s.api().json("GET", "/v1/collections/" + s.collection() + "/documents/" + ApiClient.segment(id), null, 200)
              .body().path("text").asText();
          stored.put(id, text);
        }
        int start = c.path("start").asInt();
        int end = c.path("end").asInt();
        quotes++;
        if (start < 0 || end > text.length() || start > end || !text.substring(start, end).equals(c.path("quote").asText())) {
          badQuotes.add(q.id() + ": " + c);
        }
      }
      if (any) {
        anyRelevant++;
      }
    }
    System.out.printf(Locale.ROOT, "%s claims: %d answered; first citation's document relevant: %d (%.1f%%); retrieval's "
        + "top passage's document relevant: %d (%.1f%%); some citation relevant: %d (%.1f%%); no citation: %d [load %s]%n",
        split.name(), answered, firstRelevant, 100.0 * firstRelevant / answered, topRelevant,
        100.0 * topRelevant / answered, anyRelevant, 100.0 * anyRelevant / answered, noCitation, Machine.loadAverage());
    System.out.printf(Locale.ROOT, "quotes at their offsets in the stored documents: %d of %d%s%n",
        quotes - badQuotes.size(), quotes, badQuotes.isEmpty() ? "" : "; wrong: " + badQuotes.subList(0,
            Math.min(5, badQuotes.size())));
    System.out.printf(Locale.ROOT, "floor: first citation relevant >= top hit relevant: %s%n",
        firstRelevant >= topRelevant && badQuotes.isEmpty() ? "PASS" : "FAIL");
  }

  // ---- chat-stream ------------------------------------------------------------------------------

  /** One streamed chat as the client saw it. */
  private record Sample(int id, long sentNanos, long firstDeltaNanos, long doneNanos, double retrieveMs,
      double sinceStartSeconds) {}

  private static void stream(Options o) throws Exception {
    String[] tokens = new String[o.tokens()];
    Arrays.fill(tokens, "word ");
    tokens[tokens.length - 1] = "[1].";
    Path gcLog = o.serverLog().toAbsolutePath().resolveSibling(o.serverLog().getFileName() + ".gc");
    Files.deleteIfExists(gcLog);
    try (ScriptedOpenAiServer upstream = ScriptedOpenAiServer.start()) {
      upstream.respondByDefault(ScriptedReply.text(tokens).withFirstTokenAfter(Duration.ofMillis(o.firstTokenMs()))
          .withTokensPerSecond(o.tokensPerSecond()));
      try (Setup s = setup(o, llm(upstream.baseUrl()), List.of("-Xlog:gc:file=" + gcLog + ":uptime"))) {
        List<Query> questions = questions(s.dataset(), o.split());
        Instant serverStart = ProcessHandle.of(s.server().pid()).flatMap(p -> p.info().startInstant())
            .orElseThrow(() -> new IllegalStateException("cannot tell when the server started"));
        AtomicInteger next = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
        Arrivals arrivals = o.arrivals();
        System.out.printf(Locale.ROOT, "arrivals: the %d clients start over %s (ramp) in each phase, think time 0-%s "
            + "between chats (jitter), seed %d%n", o.clients(), LoadOptions.format(arrivals.ramp()),
            LoadOptions.format(arrivals.jitter()), arrivals.seed());
        run(o, s, questions, 0, o.warmup(), Duration.ZERO, next, null, errors, errorSamples);
        System.out.printf(Locale.ROOT, "warm-up: %d chats, %d errors [load %s]%n", next.get(), errors.get(),
            Machine.loadAverage());
        long warmupErrors = errors.getAndSet(0);
        errorSamples.clear();
        double afterWarmup = fullGc(s.server().pid());
        double measureFrom = uptime(serverStart);
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        PrometheusScrape cpuBefore = s.api().metrics();
        // the clients start over the ramp again; the chats sent in the duration after it are measured
        int completed = run(o, s, questions, 1, arrivals.ramp().plus(o.duration()), arrivals.ramp(), next, samples,
            errors, errorSamples);
        PrometheusScrape cpuAfter = s.api().metrics();
        double measureTo = uptime(serverStart);
        String load = Machine.loadAverage();
        double atEnd = fullGc(s.server().pid());

        Map<Integer, ScriptedServer.Served> served = new HashMap<>();
        // a response is recorded just after its last byte: wait for those the clients finished reading
        int answered = (int) (next.get() - warmupErrors - errors.get());
        for (ScriptedServer.Served sv : upstream.awaitServed(answered, Duration.ofSeconds(5))) {
          Matcher m = MARKER.matcher(sv.request().body());
          if (m.find()) {
            served.put(Integer.parseInt(m.group(1)), sv);
          }
        }
        List<Long> clientTtft = new ArrayList<>();
        List<Long> added = new ArrayList<>();
        List<Long> addedBesidesRetrieval = new ArrayList<>();
        List<Long> upstreamTtft = new ArrayList<>();
        int unmatched = 0;
        for (Sample x : samples) {
          ScriptedServer.Served sv = served.get(x.id());
          if (sv == null || sv.firstTokenNanos() == 0) {
            unmatched++;
            continue;
          }
          long client = x.firstDeltaNanos() - x.sentNanos();
          long up = sv.firstTokenNanos() - sv.receivedNanos();
          clientTtft.add(client);
          upstreamTtft.add(up);
          added.add(client - up);
          addedBesidesRetrieval.add(client - up - Math.round(x.retrieveMs() * 1e6));
        }
        System.out.printf(Locale.ROOT, "%d concurrent streamed chats for %s: %d completed, %d errors%s; upstream %d ms to "
            + "the first token, %.0f tokens/s, %d tokens [load %s]%n", o.clients(), LoadOptions.format(o.duration()),
            samples.size(), errors.get(), errorSamples.isEmpty() ? "" : " (" + errorSamples.peek() + ")",
            o.firstTokenMs(), o.tokensPerSecond(), o.tokens(), load);
        if (unmatched > 0) {
          System.out.println("  chats without the upstream's times (counted as errors): " + unmatched);
        }
        double cpuMs = cpuAfter.increase(cpuBefore, MetricNames.PROCESS_CPU, Map.of()) * 1000 / completed;
        System.out.printf(Locale.ROOT, "  server process CPU-ms per chat: %.2f (%d chats completed in the phase, its ramp "
            + "included)%n", cpuMs, completed);
        System.out.println("  time to first token, client:            " + percentiles(clientTtft));
        System.out.println("  time to first token, upstream's own:    " + percentiles(upstreamTtft));
        System.out.println("  added by Quarry (client - upstream):    " + percentiles(added));
        System.out.println("  added by Quarry besides retrieval:      " + percentiles(addedBesidesRetrieval));
        GcLog gc = GcLog.parse(Files.readString(gcLog));
        double[] floors = gc.floorByWindow(measureFrom, measureTo, 10);
        StringBuilder heap = new StringBuilder();
        for (int i = 0; i < floors.length; i++) {
          double end = i == floors.length - 1 ? measureTo - measureFrom : (i + 1) * 10;
          heap.append(String.format(Locale.ROOT, "%s%d-%.0fs %.0f", i == 0 ? "" : ", ", i * 10, end, floors[i]));
        }
        System.out.printf(Locale.ROOT, "  heap after a full GC: %.1f MiB after the warm-up, %.1f MiB at the end (%+.1f)%n",
            afterWarmup, atEnd, atEnd - afterWarmup);
        System.out.println("  lowest heap after a GC per 10 s of the run (MiB): " + heap + " ("
            + gc.between(measureFrom, measureTo).size() + " collections)");
        long total = errors.get() + unmatched;
        double p95 = added.isEmpty() ? Double.NaN : new Percentiles(toArray(added)).millis(95);
        System.out.printf(Locale.ROOT, "floor: zero errors: %s (%d); added time to first token p95 <= 20 ms: %s (%.2f ms)%n",
            total == 0 ? "PASS" : "FAIL", total, p95 <= 20 ? "PASS" : "FAIL", p95);
        System.out.println(Machine.describe() + " (this benchmark process)");
      }
    }
  }

  /**
   * One phase of {@code --clients} closed-loop streaming clients for {@code length}, each starting as
   * {@link Arrivals} says; the chats sent from {@code unmeasured} after the start on are {@code samples}
   * (none when it is null). Returns how many chats completed.
   */
  private static int run(Options o, Setup s, List<Query> questions, int phase, Duration length, Duration unmeasured,
      AtomicInteger next, ConcurrentLinkedQueue<Sample> samples, AtomicLong errors,
      ConcurrentLinkedQueue<String> errorSamples) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + length.toNanos();
    long measureFrom = start + unmeasured.toNanos();
    AtomicInteger completed = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < o.clients(); c++) {
      long first = start + o.arrivals().start(c, o.clients()).toNanos();
      Arrivals.ThinkTimes think = o.arrivals().thinkTimes(phase, c);
      threads.add(Thread.ofPlatform().name("chat-client-" + c).start(() -> {
        if (!sleepUntil(first)) {
          return;
        }
        for (boolean again = false; System.nanoTime() < end; again = true) {
          if (again && !sleepUntil(System.nanoTime() + think.nextNanos())) {
            return;
          }
          int id = next.getAndIncrement();
          String question = questions.get(id % questions.size()).text() + " (request " + id + ")";
          try {
            SseClient.Streamed r = SseClient.post(s.server().base(), "/v1/chat", s.key(),
                chatBody(question, s.collection(), MODEL, o.k(), true), Duration.ofSeconds(60));
            SseClient.Event delta = r.first("delta");
            SseClient.Event done = r.first("done");
            if (r.status() != 200 || delta == null || done == null || r.first("error") != null) {
              errors.incrementAndGet();
              errorSamples.add("status " + r.status() + " " + ApiClient.abbreviate(r.errorBody() + r.events()));
              continue;
            }
            completed.incrementAndGet();
            if (samples != null && r.sentNanos() >= measureFrom) {
              samples.add(new Sample(id, r.sentNanos(), delta.nanoTime(), done.nanoTime(),
                  done.data().path("timings").path("retrieve_ms").asDouble(), (r.sentNanos() - measureFrom) / 1e9));
            }
          } catch (IOException | RuntimeException e) {
            errors.incrementAndGet();
            errorSamples.add(e.toString());
          }
        }
      }));
    }
    for (Thread t : threads) {
      t.join(length.plusMinutes(2).toMillis());
    }
    return completed.get();
  }

  /** Sleeps until {@code nanoTime}; false when interrupted. */
  private static boolean sleepUntil(long nanoTime) {
    long left = nanoTime - System.nanoTime();
    if (left <= 0) {
      return true;
    }
    try {
      Thread.sleep(Duration.ofNanos(left));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static double uptime(Instant start) {
    return Duration.between(start, Instant.now()).toNanos() / 1e9;
  }

  /** Runs a full collection in the server ({@code jcmd PID GC.run}) and returns the heap used after it, in MiB. */
  static double fullGc(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
    jcmd(jcmd, pid, "GC.run");
    String info = jcmd(jcmd, pid, "GC.heap_info");
    return heapUsedMib(info);
  }

  /** The sum of the {@code used NK} of each generation line of {@code jcmd GC.heap_info}'s output. */
  static double heapUsedMib(String heapInfo) {
    Matcher m = Pattern.compile("^\\s*\\S+\\s+total \\d+K, used (\\d+)K", Pattern.MULTILINE).matcher(heapInfo);
    long kib = 0;
    boolean found = false;
    while (m.find()) {
      kib += Long.parseLong(m.group(1));
      found = true;
    }
    if (!found) {
      throw new IllegalStateException("no 'used' figure in jcmd GC.heap_info's output: " + heapInfo);
    }
    return kib / 1024.0;
  }

  private static String jcmd(Path jcmd, long pid, String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out);
    }
    return out;
  }

  private static String percentiles(List<Long> nanos) {
    return nanos.isEmpty() ? "no samples" : new Percentiles(toArray(nanos)).toString();
  }

  private static long[] toArray(List<Long> v) {
    return v.stream().mapToLong(Long::longValue).toArray();
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return b;
  }
}
