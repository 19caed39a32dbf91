package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.server.config.CacheConfig;
import dev.quarry.server.config.ConfigSection;
import dev.quarry.server.config.StoreConfig;
import dev.quarry.store.document.RetryPolicy;
import dev.quarry.store.jdbc.PostgresSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The configuration of {@code quarry serve}: a YAML file, overridden by {@code QUARRY_*} variables,
 * overridden by flags; every error names the path of the offending key.
 */
class ServerConfigTest {

  @TempDir Path dir;

  private ServerConfig load(String yaml, Map<String, String> env, ServerConfig.Flags flags) throws IOException {
    Path file = dir.resolve("quarry.yaml");
    Files.writeString(file, yaml);
    return ServerConfig.load(Optional.of(file), env, flags);
  }

  private ServerConfig load(String yaml) throws IOException {
    return load(yaml, Map.of(), ServerConfig.Flags.NONE);
  }

  private String error(String yaml) {
    return assertThrows(InvalidInputException.class, () -> load(yaml)).getMessage();
  }

  private String envError(Map<String, String> env) {
    return assertThrows(InvalidInputException.class,
        () -> ServerConfig.load(Optional.empty(), env, ServerConfig.Flags.NONE)).getMessage();
  }

  @Test
  void noFileAndNoVariablesGiveTheDefaults() {
    ServerConfig c = ServerConfig.load(Optional.empty(), Map.of(), ServerConfig.Flags.NONE);
    assertEquals(ServerConfig.defaults(Path.of("data")), c);
    assertEquals(10_000, c.limits().maxBatchDocuments());
    assertEquals(32L << 20, c.limits().maxBatchBytes());
    assertEquals(RetryPolicy.DEFAULT, c.ingest().retry());
    assertEquals(Duration.ofMinutes(5), c.ingest().lease());
    assertEquals(Duration.ofSeconds(1), c.ingest().refreshInterval());
    assertEquals(Duration.ofSeconds(60), c.ingest().waitTimeout());
    assertEquals(new CacheConfig.Cache(true, 10_000), c.cache().queryEmbeddings());
    assertFalse(c.telemetry().exportEnabled());
    assertEquals("quarry", c.telemetry().serviceName());
    assertInstanceOf(StoreConfig.Sqlite.class, c.store());
  }

  @Test
  void theExampleFileAtTheRepositoryRootStatesTheDefaults() {
    ServerConfig c = ServerConfig.load(Optional.of(Path.of("..", "quarry.example.yaml")), Map.of(), ServerConfig.Flags.NONE);
    assertEquals(ServerConfig.defaults(Path.of("data")), c);
  }

  @Test
  void everySectionBindsToTypedRecords() throws IOException {
    ServerConfig c = load("""
        server: {host: 0.0.0.0, port: 9000, admin_key: the-admin-key-from-the-file}
        data_dir: /srv/quarry
        limits:
          max_body_bytes: 1MiB
          max_k: 50
          max_query_length: 1000
          max_filter_depth: 4
          max_batch_documents: 500
          max_batch_bytes: 2097152
        store:
          kind: postgres
          url: jdbc:postgresql://db.internal:5432/quarry
          user: quarry
          password: pg-secret-from-the-file
          schema: tenant_state
          pool_size: 20
          connect_timeout: 2s
        ingest:
          workers: 4
          batch_documents: 64
          lease: 90s
          retry: {max_attempts: 3, initial_delay: 500ms, max_delay: 1m, multiplier: 1.5}
          refresh_interval: 250ms
          wait_timeout: 15s
        cache:
          results: {enabled: false, max_entries: 5}
          query_embeddings: {max_entries: 7}
        telemetry: {otlp_endpoint: "http://127.0.0.1:4318", service_name: quarry-eu, sample_ratio: 0.25}
        """);
    assertEquals("0.0.0.0", c.host());
    assertEquals(9000, c.port());
    assertEquals(Optional.of("the-admin-key-from-the-file"), c.adminKey());
    assertEquals(Path.of("/srv/quarry"), c.dataDir());
    assertEquals(new ServerConfig.Limits(1 << 20, 50, 1000, 4, 500, 2 << 20), c.limits());
    PostgresSettings pg = assertInstanceOf(StoreConfig.Postgres.class, c.store()).settings();
    assertEquals(new PostgresSettings("jdbc:postgresql://db.internal:5432/quarry", "quarry",
        Optional.of("pg-secret-from-the-file"), Optional.of("tenant_state"), 20, Duration.ofSeconds(2)), pg);
    assertEquals(4, c.ingest().workers());
    assertEquals(64, c.ingest().batchDocuments());
    assertEquals(Duration.ofSeconds(90), c.ingest().lease());
    assertEquals(new RetryPolicy(3, Duration.ofMillis(500), Duration.ofMinutes(1), 1.5), c.ingest().retry());
    assertEquals(Duration.ofMillis(250), c.ingest().refreshInterval());
    assertEquals(Duration.ofSeconds(15), c.ingest().waitTimeout());
    assertEquals(new CacheConfig.Cache(false, 5), c.cache().results());
    assertEquals(new CacheConfig.Cache(true, 7), c.cache().queryEmbeddings());
    assertEquals(Optional.of(URI.create("http://127.0.0.1:4318")), c.telemetry().otlpEndpoint());
    assertEquals("quarry-eu", c.telemetry().serviceName());
    assertEquals(0.25, c.telemetry().sampleRatio());
  }

  @Test
  void variablesOverrideTheFileAndFlagsOverrideBoth() throws IOException {
    String yaml = "server: {port: 9000, host: 10.0.0.1}\nlimits: {max_k: 20}\ndata_dir: from-file\n";
    Map<String, String> env = Map.of("QUARRY_SERVER_PORT", "9001", "QUARRY_LIMITS_MAX_K", "30",
        "QUARRY_DATA_DIR", "from-env");
    ServerConfig.Flags flags = new ServerConfig.Flags(Optional.of("127.0.0.2"), Optional.of(9002),
        Optional.of(Path.of("from-flag")));

    ServerConfig fileOnly = load(yaml, Map.of(), ServerConfig.Flags.NONE);
    assertEquals(9000, fileOnly.port());
    assertEquals(20, fileOnly.limits().maxK());
    assertEquals(Path.of("from-file"), fileOnly.dataDir());

    ServerConfig withEnv = load(yaml, env, ServerConfig.Flags.NONE);
    assertEquals(9001, withEnv.port());
    assertEquals(30, withEnv.limits().maxK());
    assertEquals(Path.of("from-env"), withEnv.dataDir());
    assertEquals("10.0.0.1", withEnv.host(), "a key no variable sets keeps the file's value");

    ServerConfig withFlags = load(yaml, env, flags);
    assertEquals(9002, withFlags.port());
    assertEquals("127.0.0.2", withFlags.host());
    assertEquals(Path.of("from-flag"), withFlags.dataDir());
    assertEquals(30, withFlags.limits().maxK(), "no flag for max_k: the variable still wins over the file");
  }

  @Test
  void corsIsOffByDefaultAndTakesAListOfOriginsFromTheFileOrAVariable() throws IOException {
    assertFalse(ServerConfig.fromEnvironment(Map.of()).cors().enabled());
    assertEquals(List.of("https://app.example.com", "http://localhost:3000"),
        load("cors: {allowed_origins: [https://app.example.com, \"http://localhost:3000\"]}\n").cors().allowedOrigins());
    assertEquals(List.of("https://app.example.com", "http://localhost:3000"), ServerConfig.fromEnvironment(
        Map.of("QUARRY_CORS_ALLOWED_ORIGINS", "https://app.example.com, http://localhost:3000")).cors().allowedOrigins());
    assertTrue(ServerConfig.fromEnvironment(Map.of("QUARRY_CORS_ALLOWED_ORIGINS", "*")).cors().allows("https://any.example"));
    assertEquals("cors.allowed_origins: expected an origin such as https://app.example.com or http://localhost:3000 "
        + "(scheme, host and port only, lower case), or *, got \"https://app.example.com/\"",
        envError(Map.of("QUARRY_CORS_ALLOWED_ORIGINS", "https://app.example.com/")));
    assertTrue(error("cors: {allowed_origins: [\"*\", https://a.example]}\n").contains("stands alone"));
    assertTrue(error("cors: {allowed_origins: [ftp://a.example]}\n").startsWith("cors.allowed_origins: expected an origin"));
  }

  @Test
  void theOlderVariableNamesStillWork() throws IOException {
    ServerConfig c = load("server: {port: 9000}\n", Map.of(
        "QUARRY_PORT", "9090", "QUARRY_HOST", "0.0.0.0", "QUARRY_DATA_DIR", "/tmp/q",
        "QUARRY_MAX_K", "20", "QUARRY_MAX_BODY_BYTES", "1024", "QUARRY_MAX_QUERY_LENGTH", "99",
        "QUARRY_MAX_FILTER_DEPTH", "3", "QUARRY_ADMIN_KEY", "legacy-admin-key-0123456789"), ServerConfig.Flags.NONE);
    assertEquals(9090, c.port());
    assertEquals("0.0.0.0", c.host());
    assertEquals(Path.of("/tmp/q"), c.dataDir());
    assertEquals(new ServerConfig.Limits(1024, 20, 99, 3), c.limits());
    assertEquals(Optional.of("legacy-admin-key-0123456789"), c.adminKey());
  }

  @Test
  void theNewAndTheOldNameOfOneVariableMustAgree() {
    assertEquals(9090, ServerConfig.fromEnvironment(Map.of("QUARRY_PORT", "9090", "QUARRY_SERVER_PORT", "9090")).port());
    String e = envError(Map.of("QUARRY_PORT", "9090", "QUARRY_SERVER_PORT", "9091"));
    assertEquals("server.port: QUARRY_SERVER_PORT and QUARRY_PORT are both set, to different values; unset one", e);
  }

  @Test
  void quarryConfigNamesTheFileAndTheConfigFlagWinsOverIt() throws IOException {
    Path a = Files.writeString(dir.resolve("a.yaml"), "server: {port: 1111}\n");
    Path b = Files.writeString(dir.resolve("b.yaml"), "server: {port: 2222}\n");
    Map<String, String> env = Map.of("QUARRY_CONFIG", a.toString());
    assertEquals(1111, ServerConfig.load(Optional.empty(), env, ServerConfig.Flags.NONE).port());
    assertEquals(2222, ServerConfig.load(Optional.of(b), env, ServerConfig.Flags.NONE).port());
    String missing = assertThrows(InvalidInputException.class, () -> ServerConfig.load(
        Optional.of(dir.resolve("nope.yaml")), Map.of(), ServerConfig.Flags.NONE)).getMessage();
    assertEquals("config file " + dir.resolve("nope.yaml") + " does not exist", missing);
  }

  @Test
  void anEmptyFileAndEmptySectionsMeanDefaults() throws IOException {
    assertEquals(ServerConfig.defaults(Path.of("data")), load(""));
    assertEquals(ServerConfig.defaults(Path.of("data")), load("# nothing\nlimits:\ncache: {}\n"));
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of("limits: {max_k: ten}", "limits.max_k: expected a whole number, got \"ten\""),
        Arguments.of("limits: {max_k: \"10\"}", "limits.max_k: expected a whole number, got \"10\""),
        Arguments.of("limits: {max_k: 2.5}", "limits.max_k: expected a whole number, got 2.5"),
        Arguments.of("limits: {max_k: 0}", "limits.max_k: must be in 1..1000, got 0"),
        Arguments.of("limits: {max_k: 99999999999999999999999}", "limits.max_k: out of range, got 99999999999999999999999"),
        Arguments.of("limits: {max_kk: 10}", "limits.max_kk: unknown key; the keys of limits are max_batch_bytes, "
            + "max_batch_documents, max_body_bytes, max_filter_depth, max_k, max_query_length"),
        Arguments.of("limits: {max_body_bytes: 8 megabytes}",
            "limits.max_body_bytes: expected a size in bytes such as 1048576 or 64MiB, got \"8 megabytes\""),
        Arguments.of("limits: {max_batch_bytes: 2GiB}", "limits.max_batch_bytes: must be in 1..1073741824 bytes, got 2147483648"),
        Arguments.of("serverr: {port: 1}", "serverr: unknown key; the sections are answer, budgets, cache, cors, data_dir, ingest, limits, llm, rerankers, server, sessions, store, telemetry, tools"),
        Arguments.of("server: {port: 70000}", "server.port: must be in 0..65535, got 70000"),
        Arguments.of("server: {host: [a, b]}", "server.host: expected text, got a list"),
        Arguments.of("server: {host: \"  \"}", "server.host: must not be blank"),
        Arguments.of("server: 8080", "server: expected a section of keys, got 8080"),
        Arguments.of("data_dir: {a: 1}", "data_dir: expected a directory path, got a section of keys"),
        Arguments.of("cache: {results: {enabled: yes please}}", "cache.results.enabled: expected true or false, got \"yes please\""),
        Arguments.of("cache: {results: {size: 5}}", "cache.results.size: unknown key; the keys of cache.results are enabled, max_entries"),
        Arguments.of("cache: {query_embeddings: {max_entries: -1}}", "cache.query_embeddings.max_entries: must be in 1..10000000, got -1"),
        Arguments.of("ingest: {lease: 5}", "ingest.lease: expected a duration such as 500ms, 1s, 5m or 2h, got 5"),
        Arguments.of("ingest: {lease: 5 minutes}", "ingest.lease: expected a duration such as 500ms, 1s, 5m or 2h, got \"5 minutes\""),
        Arguments.of("ingest: {lease: 500ms}", "ingest.lease: must be in 1s..24h, got 500ms"),
        Arguments.of("ingest: {workers: 0}", "ingest.workers: must be in 1..256, got 0"),
        Arguments.of("ingest: {wait_timeout: 1h}", "ingest.wait_timeout: must be in 0ms..10m, got 1h"),
        Arguments.of("ingest: {retry: {initial_delay: 1m, max_delay: 1s}}", "ingest.retry.max_delay: must be at least initial_delay (1m), got 1s"),
        Arguments.of("ingest: {retry: {multiplier: 0.5}}", "ingest.retry.multiplier: must be in 1..100, got 0.5"),
        Arguments.of("ingest: {retry: {jitter: true}}", "ingest.retry.jitter: unknown key; the keys of ingest.retry are initial_delay, max_attempts, max_delay, multiplier"),
        Arguments.of("store: {kind: mysql}", "store.kind: expected one of sqlite, postgres, got \"mysql\""),
        Arguments.of("store: {kind: postgres}", "store.url: required when store.kind is postgres"),
        Arguments.of("store: {kind: postgres, url: \"postgres://u:pw@h/db\", user: u}", "store.url: expected a JDBC URL starting with jdbc:postgresql:"),
        Arguments.of("store: {kind: postgres, url: \"jdbc:postgresql://h/db\"}", "store.user: required when store.kind is postgres"),
        Arguments.of("store: {kind: postgres, url: \"jdbc:postgresql://h/db\", user: u, schema: Bad-Schema}",
            "store.schema: expected a lower-case identifier ([a-z_][a-z0-9_]{0,62}), got \"Bad-Schema\""),
        Arguments.of("store: {kind: postgres, url: \"jdbc:postgresql://h/db\", user: u, pool_size: 500}", "store.pool_size: must be in 1..200, got 500"),
        Arguments.of("store: {url: \"jdbc:postgresql://h/db\"}", "store.url: only used when store.kind is postgres (it is sqlite)"),
        Arguments.of("store: {password: 12345}", "store.password: expected text, got a number (a secret's value is never shown)"),
        Arguments.of("telemetry: {sample_ratio: 2}", "telemetry.sample_ratio: must be in 0..1, got 2"),
        Arguments.of("telemetry: {otlp_endpoint: \"localhost:4318\"}",
            "telemetry.otlp_endpoint: expected an http:// or https:// URL such as http://127.0.0.1:4318, got \"localhost:4318\""),
        Arguments.of("telemetry: {service_name: \"\"}", "telemetry.service_name: must not be blank"),
        Arguments.of("rerankers: {name: x}", "rerankers: expected a list of sections, got a section of keys"),
        Arguments.of("rerankers: [x]", "rerankers[0]: expected a section of keys, got \"x\""),
        Arguments.of("rerankers: [{kind: tei, url: \"http://h/rerank\"}]", "rerankers[0].name: required: the name searches use"),
        Arguments.of("rerankers: [{name: \"a b\", kind: tei}]",
            "rerankers[0].name: expected letters, digits, '.', '_' or '-' (1..64, starting with a letter or digit), got \"a b\""),
        Arguments.of("rerankers: [{name: e5-small-v2-q, kind: tei}]",
            "rerankers[0].name: \"e5-small-v2-q\" is an embedding model's id, which is already a re-ranker; choose another name"),
        Arguments.of("rerankers: [{name: a, kind: tei, url: \"http://h/rerank\"}, {name: a, kind: tei}]",
            "rerankers[1].name: \"a\" is declared twice"),
        Arguments.of("rerankers: [{name: a, kind: colbert}]",
            "rerankers[0].kind: expected one of cross_encoder, cohere, jina, tei, llm, got \"colbert\""),
        Arguments.of("rerankers: [{name: a, kind: tei}]", "rerankers[0].url: required: the full URL of the /rerank route"),
        Arguments.of("rerankers: [{name: a, kind: tei, url: \"ftp://h/rerank\"}]",
            "rerankers[0].url: expected an http(s)://host/... URL, got \"ftp://h/rerank\""),
        Arguments.of("rerankers: [{name: a, kind: cohere, url: \"https://h/v2/rerank\"}]",
            "rerankers[0].model: required for kind cohere: the model the API should run"),
        Arguments.of("rerankers: [{name: a, kind: tei, url: \"http://h/rerank\", api_key_env: QUARRY_TEST_UNSET_KEY}]",
            "rerankers[0].api_key_env: the variable QUARRY_TEST_UNSET_KEY is not set"),
        Arguments.of("rerankers: [{name: a, kind: tei, url: \"http://h/rerank\", timeout: 2m}]",
            "rerankers[0].timeout: must be in 1ms..1m, got 2m"),
        Arguments.of("rerankers: [{name: a, kind: tei, url: \"http://h/rerank\", tokenizer: t.json}]",
            "rerankers[0].tokenizer: unknown key; the keys of rerankers[0] are api_key_env, kind, model, name, timeout, url"),
        Arguments.of("rerankers: [{name: a, kind: cross_encoder, tokenizer: t.json}]",
            "rerankers[0].model: required: the cross-encoder's ONNX file"),
        Arguments.of("rerankers: [{name: a, kind: cross_encoder, model: m.onnx, tokenizer: t.json, max_tokens: 4}]",
            "rerankers[0].max_tokens: must be in 8..8192, got 4"),
        Arguments.of("rerankers: [{name: a, kind: cross_encoder, model: m.onnx, tokenizer: t.json, url: \"http://h\"}]",
            "rerankers[0].url: unknown key; the keys of rerankers[0] are batch_size, kind, max_tokens, model, name, threads, tokenizer"),
        Arguments.of("rerankers: [{name: a, kind: llm}]", "rerankers[0].model: required: a model or route of section llm"),
        Arguments.of("rerankers: [{name: a, kind: llm, model: gpt}]",
            "rerankers[0].model: \"gpt\" is not a model or route of section llm; the models are [] and the routes []"),
        Arguments.of("rerankers: [{name: a, kind: llm, model: extractive}]",
            "rerankers[0].model: \"extractive\" is not a model or route of section llm; the extractive answerer cannot "
                + "rank; the models are [] and the routes []"),
        Arguments.of(LLM + "rerankers: [{name: a, kind: llm, model: small, window: 1}]",
            "rerankers[0].window: must be in 2..100, got 1"),
        Arguments.of(LLM + "rerankers: [{name: a, kind: llm, model: small, window: 8, step: 9}]",
            "rerankers[0].step: must be in 1..8, got 9"),
        Arguments.of(LLM + "rerankers: [{name: a, kind: llm, model: small, depth: 101}]",
            "rerankers[0].depth: must be in 1..100, got 101"),
        Arguments.of(LLM + "rerankers: [{name: a, kind: llm, model: small, timeout: 3m}]",
            "rerankers[0].timeout: must be in 1ms..2m, got 3m"),
        Arguments.of(LLM + "rerankers: [{name: a, kind: llm, model: small, url: \"http://h\"}]",
            "rerankers[0].url: unknown key; the keys of rerankers[0] are depth, kind, max_chars, max_tokens, model, name, "
                + "step, timeout, window"));
  }

  @Test
  void rerankersBindCrossEncodersAndRemoteApisWithTheirKeysFromTheNamedVariable() throws IOException {
    ServerConfig c = load("""
        rerankers:
          - name: mine
            kind: cross_encoder
            model: /models/ce.onnx
            tokenizer: /models/tokenizer.json
            max_tokens: 256
            batch_size: 8
          - name: cohere
            kind: cohere
            url: https://api.example.com/v2/rerank
            model: rerank-english-v3.0
            api_key_env: COHERE_KEY
            timeout: 800ms
          - name: tei
            kind: tei
            url: http://127.0.0.1:8081/rerank
        """, Map.of("COHERE_KEY", "sk-secret-1"), ServerConfig.Flags.NONE);
    List<dev.quarry.server.config.RerankersConfig.Entry> entries = c.rerankers().entries();
    assertEquals(List.of("mine", "cohere", "tei"), entries.stream().map(dev.quarry.server.config.RerankersConfig.Entry::name).toList());
    var ce = (dev.quarry.server.config.RerankersConfig.CrossEncoder) entries.get(0);
    assertEquals(new dev.quarry.rerank.crossencoder.CrossEncoderConfig(Path.of("/models/ce.onnx"),
        Path.of("/models/tokenizer.json"), 256, 8, 1), ce.config());
    var cohere = (dev.quarry.server.config.RerankersConfig.Remote) entries.get(1);
    assertEquals(Optional.of("sk-secret-1"), cohere.config().apiKey());
    assertEquals(Optional.of("rerank-english-v3.0"), cohere.config().model());
    assertEquals(java.time.Duration.ofMillis(800), cohere.config().timeout());
    assertEquals("rerankers[1]", cohere.path());
    var tei = (dev.quarry.server.config.RerankersConfig.Remote) entries.get(2);
    assertEquals(dev.quarry.rerank.remote.RerankApi.TEI, tei.config().api());
    assertEquals(dev.quarry.server.config.RerankersConfig.DEFAULT_TIMEOUT, tei.config().timeout());
    assertTrue(tei.config().apiKey().isEmpty());
    assertFalse(c.toString().contains("sk-secret-1"), c.toString());
    assertTrue(c.toString().contains("<from COHERE_KEY>"), c.toString());
  }

  /** A section llm with one model, {@code small}, and a route, {@code cheap}, over it. */
  static final String LLM = """
      llm:
        providers:
          - {name: up, kind: openai, base_url: "http://127.0.0.1:9/v1"}
        models:
          - {name: small, provider: up, model: gpt-4o-mini, context_tokens: 8192}
        routes:
          cheap: [small]
      """;

  @Test
  void anLlmRerankerNamesAModelOrRouteOfSectionLlmWithItsWindowAndTimeout() throws IOException {
    ServerConfig c = load(LLM + """
        rerankers:
          - {name: judge, kind: llm, model: small}
          - {name: judge-deep, kind: llm, model: cheap, depth: 50, window: 20, step: 5, max_chars: 400,
             max_tokens: 300, timeout: 4s}
        """);
    var judge = (dev.quarry.server.config.RerankersConfig.Llm) c.rerankers().entries().get(0);
    assertEquals("small", judge.model());
    assertEquals(dev.quarry.rerank.llm.LlmRerankerConfig.defaults(), judge.config());
    var deep = (dev.quarry.server.config.RerankersConfig.Llm) c.rerankers().entries().get(1);
    assertEquals("rerankers[1]", deep.path());
    assertEquals(new dev.quarry.rerank.llm.LlmRerankerConfig(50, 20, 5, 400, java.util.OptionalInt.of(300),
        java.time.Duration.ofSeconds(4)), deep.config());
  }

  @ParameterizedTest
  @MethodSource("badFiles")
  void aBadFileIsRefusedWithThePathOfTheKey(String yaml, String message) {
    assertEquals(message, error(yaml));
  }

  @Test
  void aValueOfTheWrongTypeIsRefusedAtEveryKeyWithItsPath() {
    List<ConfigSection.Key> keys = ServerConfig.keys();
    assertEquals(52, keys.size(), keys.toString());
    for (ConfigSection.Key key : keys) {
      String yaml = nest(key.path(), "[1, 2]");
      String message = error(yaml);
      assertTrue(message.startsWith(key.path() + ": expected "), yaml + " -> " + message);
      assertTrue(message.contains("got a list") || message.contains("value of another type"), message);
    }
  }

  @Test
  void aBadVariableOrFlagIsRefusedWithThePathAndWhereTheValueCameFrom() {
    assertEquals("limits.max_k (from QUARRY_LIMITS_MAX_K): expected a whole number, got \"ten\"",
        envError(Map.of("QUARRY_LIMITS_MAX_K", "ten")));
    assertEquals("limits.max_k (from QUARRY_MAX_K): must be in 1..1000, got 5000",
        envError(Map.of("QUARRY_MAX_K", "5000")));
    assertEquals("cache.results.enabled (from QUARRY_CACHE_RESULTS_ENABLED): expected true or false, got \"on\"",
        envError(Map.of("QUARRY_CACHE_RESULTS_ENABLED", "on")));
    assertEquals("ingest.retry.initial_delay (from QUARRY_INGEST_RETRY_INITIAL_DELAY): expected a duration such as "
        + "500ms, 1s, 5m or 2h, got \"1 second\"", envError(Map.of("QUARRY_INGEST_RETRY_INITIAL_DELAY", "1 second")));
    assertEquals("QUARRY_LIMITS_MAX_KK: no such setting; the variables of QUARRY_LIMITS_* are "
        + "QUARRY_LIMITS_MAX_BATCH_BYTES, QUARRY_LIMITS_MAX_BATCH_DOCUMENTS, QUARRY_LIMITS_MAX_BODY_BYTES, "
        + "QUARRY_LIMITS_MAX_FILTER_DEPTH, QUARRY_LIMITS_MAX_K, QUARRY_LIMITS_MAX_QUERY_LENGTH",
        envError(Map.of("QUARRY_LIMITS_MAX_KK", "10")));
    String flag = assertThrows(InvalidInputException.class, () -> ServerConfig.load(Optional.empty(), Map.of(),
        new ServerConfig.Flags(Optional.empty(), Optional.of(70000), Optional.empty()))).getMessage();
    assertEquals("server.port (from the command line): must be in 0..65535, got 70000", flag);
    // variables outside the sections' namespaces belong to others (QUARRY_TEST_POSTGRES, QUARRY_JAVA_OPTS)
    assertEquals(8080, ServerConfig.fromEnvironment(Map.of("QUARRY_JAVA_OPTS", "-Xmx1g")).port());
  }

  @Test
  void variablesAreParsedToTheKeysTypes() {
    Map<String, String> env = new HashMap<>();
    env.put("QUARRY_STORE_KIND", "postgres");
    env.put("QUARRY_STORE_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    env.put("QUARRY_STORE_USER", "postgres");
    env.put("QUARRY_STORE_PASSWORD", "pg-secret-from-env");
    env.put("QUARRY_LIMITS_MAX_BATCH_BYTES", "1MiB");
    env.put("QUARRY_INGEST_LEASE", "2m");
    env.put("QUARRY_INGEST_RETRY_MULTIPLIER", "3");
    env.put("QUARRY_CACHE_QUERY_EMBEDDINGS_ENABLED", "false");
    env.put("QUARRY_TELEMETRY_SAMPLE_RATIO", "0.1");
    env.put("QUARRY_SERVER_HOST", "   ");
    ServerConfig c = ServerConfig.fromEnvironment(env);
    PostgresSettings pg = assertInstanceOf(StoreConfig.Postgres.class, c.store()).settings();
    assertEquals(Optional.of("pg-secret-from-env"), pg.password());
    assertEquals(1L << 20, c.limits().maxBatchBytes());
    assertEquals(Duration.ofMinutes(2), c.ingest().lease());
    assertEquals(3.0, c.ingest().retry().multiplier());
    assertFalse(c.cache().queryEmbeddings().enabled());
    assertEquals(0.1, c.telemetry().sampleRatio());
    assertEquals("127.0.0.1", c.host(), "a blank variable is unset");
  }

  @Test
  void secretsNeverAppearInTextOrErrors() throws IOException {
    ServerConfig c = load("""
        server: {admin_key: admin-secret-0123456789}
        store: {kind: postgres, url: "jdbc:postgresql://h/db?password=url-secret", user: u}
        """, Map.of("QUARRY_STORE_PASSWORD", "store-secret-0123"), ServerConfig.Flags.NONE);
    String text = c.toString();
    for (String secret : List.of("admin-secret-0123456789", "store-secret-0123", "url-secret")) {
      assertFalse(text.contains(secret), secret + " in " + text);
    }
    assertTrue(text.contains("jdbc:postgresql://h/db?<hidden>"), text);
    String e = envError(Map.of("QUARRY_STORE_PASSWORD", "store-secret-0123"));
    assertEquals("store.password: only used when store.kind is postgres (it is sqlite)", e);
    assertFalse(error("server: {admin_key: 12345}").contains("12345"));
  }

  @Test
  void yamlMistakesAreReportedWithTheirLine() {
    String syntax = error("server:\n  port: 1\n   host: x\n");
    assertTrue(syntax.startsWith("config file " + dir.resolve("quarry.yaml") + " is not valid YAML at line 3"), syntax);
    String duplicate = error("server: {port: 1}\nserver: {port: 2}\n");
    assertTrue(duplicate.contains("is not valid YAML at line 2") && duplicate.contains("Duplicate field 'server'"), duplicate);
    assertEquals("config file " + dir.resolve("quarry.yaml")
        + ": expected a mapping of sections (server, limits, store, ...) at the top, got a list", error("- a\n- b\n"));
  }

  @Test
  void theDocumentationNamesEveryKeyAndVariable() throws IOException {
    String text = Files.readString(Path.of("..", "docs", "configuration.md")); // tests run in the module's folder
    long rows = text.lines().filter(l -> l.startsWith("| `")).count();
    assertEquals(ServerConfig.keys().size(), rows, "one table row per key, no stale rows");
    for (ConfigSection.Key key : ServerConfig.keys()) {
      assertTrue(text.contains("| `" + key.path() + "` |"), "docs/configuration.md lacks " + key.path());
      for (String env : key.envNames()) {
        assertTrue(text.contains("`" + env + "`"), "docs/configuration.md lacks " + env);
      }
    }
  }

  @Test
  void theLlmSectionBindsProvidersAndModelsAndItsDefaultModelFollowsTheEnvironment() throws IOException {
    String yaml = """
        llm:
          providers:
            - {name: upstream, kind: openai, base_url: "http://127.0.0.1:8000/v1", timeout: 30s}
          models:
            - {name: small, provider: upstream, model: llama-3.1-8b-instruct, context_tokens: 8192,
               price_per_mtok: {input: 0.10, output: 0.20}}
            - {name: big, provider: upstream, model: llama-3.1-70b-instruct, context_tokens: 8192}
        answer: {k: 8, timeout: 10s}
        """;
    ServerConfig c = load(yaml);
    assertEquals("small", c.runtime().llm().defaultModel());
    assertEquals(2, c.runtime().llm().models().size());
    assertEquals(8, c.runtime().answer().k());
    assertEquals(Duration.ofSeconds(10), c.runtime().answer().timeout());
    assertEquals("big", load(yaml, Map.of("QUARRY_LLM_DEFAULT_MODEL", "big"), ServerConfig.Flags.NONE)
        .runtime().llm().defaultModel());
    assertEquals("extractive", ServerConfig.defaults(dir).runtime().llm().defaultModel());
    assertEquals("llm.providers[0].timeout: expected a duration such as 500ms, 1s, 5m or 2h, got \"30\"",
        error("llm: {providers: [{name: u, kind: openai, base_url: \"http://h/v1\", timeout: \"30\"}]}"));
    assertEquals("answer.max_timeout: must be at least timeout (1m), got 30s",
        error("answer: {timeout: 1m, max_timeout: 30s}"));
  }

  @Test
  void theLlmSectionBindsRoutesAndResilienceFromTheFile() throws IOException {
    String yaml = """
        llm:
          providers:
            - {name: upstream, kind: openai, base_url: "http://127.0.0.1:8000/v1"}
          models:
            - {name: small, provider: upstream, model: m1, context_tokens: 8192}
            - {name: big, provider: upstream, model: m2, context_tokens: 8192}
          routes:
            answer: [big, small]
          default_model: answer
          resilience: {max_attempts: 2, open_for: 10s}
        """;
    ServerConfig c = load(yaml);
    assertEquals(List.of("big", "small"), c.runtime().llm().route("answer").orElseThrow().models());
    assertEquals("answer", c.runtime().llm().defaultModel());
    assertEquals(2, c.runtime().llm().resilience().maxAttempts());
    assertEquals(Duration.ofSeconds(10), c.runtime().llm().resilience().openFor());
    assertEquals("llm.routes.answer.models[0]: \"huge\" is not a configured model; the models are [big, small]",
        error(yaml.replace("answer: [big, small]", "answer: [huge]")));
  }

  /** {@code a.b.c} and a value as nested YAML flow mappings. */
  private static String nest(String path, String value) {
    String[] parts = path.split("\\.");
    StringBuilder sb = new StringBuilder();
    for (String p : parts) {
      sb.append("{").append(p).append(": ");
    }
    sb.append(value);
    sb.append("}".repeat(parts.length));
    return sb.toString();
  }
}
