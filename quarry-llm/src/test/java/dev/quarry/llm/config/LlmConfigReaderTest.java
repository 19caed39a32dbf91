package dev.quarry.llm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.error.InvalidInputException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LlmConfigReaderTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The section exactly as operators write it (docs/llm.md). */
  static final String EXAMPLE = """
      llm:
        providers:
          - name: upstream
            kind: openai            # or anthropic
            base_url: http://127.0.0.1:8000/v1
            api_key_env: UPSTREAM_API_KEY
            timeout: 30s
        models:
          - name: small
            provider: upstream
            model: llama-3.1-8b-instruct
            context_tokens: 8192
            price_per_mtok: {input: 0.10, output: 0.20}
            capabilities: [streaming, tools, json_schema]
        default_model: small          # "extractive" when no llm section is given
      """;

  static LlmConfig read(String yaml) {
    try {
      JsonNode root = YAML.readTree(yaml);
      return LlmConfigReader.read(root.get("llm"), "llm");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  static String fails(String yaml) {
    return assertThrows(InvalidInputException.class, () -> read(yaml)).getMessage();
  }

  @Test
  void bindsTheDocumentedShape() {
    LlmConfig c = read(EXAMPLE);
    assertEquals(List.of(new ProviderConfig("upstream", ProviderKind.OPENAI, URI.create("http://127.0.0.1:8000/v1"),
        Optional.of("UPSTREAM_API_KEY"), Duration.ofSeconds(30))), c.providers());
    assertEquals(List.of(new ModelConfig("small", "upstream", "llama-3.1-8b-instruct", 8192,
        new Price(new BigDecimal("0.10"), new BigDecimal("0.20")),
        Set.of(ModelCapability.STREAMING, ModelCapability.TOOLS, ModelCapability.JSON_SCHEMA))), c.models());
    assertEquals("small", c.defaultModel());
  }

  @Test
  void noSectionMeansTheExtractiveAnswererAlone() {
    assertEquals(LlmConfig.NONE, read("server: {}\n"));
    assertEquals("extractive", read("llm: {}\n").defaultModel());
  }

  @Test
  void defaultsFillWhatAModelOrProviderLeavesOut() {
    LlmConfig c = read("""
        llm:
          providers: [{name: claude, kind: anthropic, base_url: "https://anthropic.example/"}]
          models: [{name: big, provider: claude, model: claude-sonnet-4-5, context_tokens: 200000}]
        """);
    ProviderConfig p = c.providers().getFirst();
    assertEquals(ProviderConfig.DEFAULT_TIMEOUT, p.timeout());
    assertEquals(Optional.empty(), p.apiKeyEnv());
    assertEquals(URI.create("https://anthropic.example/v1/messages"), p.resolve("/v1/messages"), "trailing slash dropped");
    ModelConfig m = c.models().getFirst();
    assertEquals(Set.of(ModelCapability.STREAMING), m.capabilities());
    assertEquals(Price.FREE, m.price());
    assertEquals("big", c.defaultModel(), "the first model is the default when none is named");
  }

  /** The example with one key of its provider or model set to {@code setting} ({@code key: value}). */
  static String example(String setting) {
    Map<String, String> provider = new LinkedHashMap<>();
    provider.put("name", "upstream");
    provider.put("kind", "openai");
    provider.put("base_url", "http://127.0.0.1:8000/v1");
    provider.put("api_key_env", "UPSTREAM_API_KEY");
    provider.put("timeout", "30s");
    Map<String, String> model = new LinkedHashMap<>();
    model.put("name", "small");
    model.put("provider", "upstream");
    model.put("model", "llama-3.1-8b-instruct");
    model.put("context_tokens", "8192");
    model.put("price_per_mtok", "{input: 0.10, output: 0.20}");
    model.put("capabilities", "[streaming, tools, json_schema]");
    String defaultModel = "small";
    String key = setting.substring(0, setting.indexOf(':'));
    String value = setting.substring(setting.indexOf(':') + 1).trim();
    if (key.startsWith("model.")) {
      model.put(key.substring(6), value);
    } else if (key.equals("default_model")) {
      defaultModel = value;
    } else {
      provider.put(key, value);
    }
    return "llm:\n  providers:\n" + items(provider) + "  models:\n" + items(model) + "  default_model: " + defaultModel + "\n";
  }

  private static String items(Map<String, String> keys) {
    StringBuilder b = new StringBuilder();
    String lead = "    - ";
    for (var e : keys.entrySet()) {
      b.append(lead).append(e.getKey()).append(": ").append(e.getValue()).append('\n');
      lead = "      ";
    }
    return b.toString();
  }

  @Test
  void theTemplateIsTheExample() {
    assertEquals(read(EXAMPLE), read(example("timeout: 30s")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "kind: gemini | llm.providers[0].kind: expected one of openai, anthropic, got \"gemini\"",
      "timeout: 30 | llm.providers[0].timeout: expected a duration such as 500ms, 1s, 5m or 2h, got 30",
      "timeout: 2d | llm.providers[0].timeout: expected a duration such as 500ms, 1s, 5m or 2h, got \"2d\"",
      "timeout: 0s | llm.providers[0].timeout: must be in 1ms..1h, got 0ms",
      "base_url: ftp://host/v1 | llm.providers[0].base_url: must be an http or https URL with a host and no query, got \"ftp://host/v1\"",
      "base_url: 'http://[bad' | llm.providers[0].base_url: not a valid URL",
      "api_key_env: 1KEY | llm.providers[0].api_key_env: must name an environment variable",
      "name: 'up stream' | llm.providers[0].name: must be 1-64 of A-Z a-z 0-9 . _ -, got \"up stream\"",
      "retries: 3 | llm.providers[0].retries: unknown key; the keys of llm.providers[0] are api_key_env, base_url, kind, name, timeout",
      "model.context_tokens: many | llm.models[0].context_tokens: expected a whole number, got \"many\"",
      "model.context_tokens: 4 | llm.models[0].context_tokens: must be in 16..100000000, got 4",
      "'model.price_per_mtok: {input: -1, output: 0.20}' | llm.models[0].price_per_mtok.input: must be at least 0, got -1",
      "'model.price_per_mtok: {input: 0.1, outptu: 2}' | llm.models[0].price_per_mtok.outptu: unknown key",
      "'model.capabilities: [streaming, vision]' | llm.models[0].capabilities: expected each of streaming, tools, json_schema, got \"vision\"",
      "model.provider: elsewhere | llm.models: model \"small\" names provider \"elsewhere\", which is not configured; the providers are [upstream]",
      "default_model: large | llm.default_model: must be \"extractive\", a configured model [small] or a route [], got \"large\"",
  })
  void aBadSettingIsRefusedWithItsKeyValueAndRule(String setting, String message) {
    String e = fails(example(setting));
    assertTrue(e.startsWith(message), "got: " + e);
  }

  static final String TWO_MODELS = """
      llm:
        providers: [{name: up, kind: openai, base_url: "http://127.0.0.1:8000/v1"}]
        models:
          - {name: small, provider: up, model: m1, context_tokens: 8192}
          - {name: big, provider: up, model: m2, context_tokens: 128000}
      """;

  @Test
  void routesNameModelsInOrderWithAnOptionalStrategy() {
    LlmConfig c = read(TWO_MODELS + """
          routes:
            answer: [big, small]
            thrifty: {models: [big, small], strategy: cheapest}
          default_model: answer
          resilience: {max_attempts: 2, breaker_window: 10, breaker_minimum_calls: 5, open_for: 5s}
        """);
    assertEquals(List.of(new RouteConfig("answer", List.of("big", "small"), RouteStrategy.ORDERED),
        new RouteConfig("thrifty", List.of("big", "small"), RouteStrategy.CHEAPEST)), c.routes());
    assertEquals("answer", c.defaultModel());
    assertEquals(2, c.resilience().maxAttempts());
    assertEquals(10, c.resilience().breakerWindow());
    assertEquals(Duration.ofSeconds(5), c.resilience().openFor());
    assertEquals(ResilienceConfig.DEFAULT.failureRate(), c.resilience().failureRate());
    assertEquals(ResilienceConfig.DEFAULT, read(TWO_MODELS).resilience());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "'routes: {answer: [big, large]}' | llm.routes.answer.models[1]: \"large\" is not a configured model; the models are [big, small]",
      "'routes: {answer: []}' | llm.routes.answer.models: route \"answer\" lists no model; a route needs at least one",
      "'routes: {answer: [big, big]}' | llm.routes.answer.models: route \"answer\" lists a model twice: [big, big]",
      "'routes: {small: [big]}' | llm.routes.small: the name is already a model's; a request names a route or a model, so their names must differ",
      "'routes: {extractive: [big]}' | llm.routes.extractive: the name is already a model's",
      "'routes: {answer: {models: [big], strategy: fastest}}' | llm.routes.answer.strategy: expected one of ordered, cheapest, got \"fastest\"",
      "'routes: {answer: {models: [big], order: cheapest}}' | llm.routes.answer.order: unknown key; the keys of llm.routes.answer are models, strategy",
      "'routes: {answer: big}' | llm.routes.answer: expected a list of models, or a section with models and strategy, got \"big\"",
      "'routes: [big]' | llm.routes: expected a section of keys, got a list",
      "'resilience: {max_attempts: 0}' | llm.resilience.max_attempts: must be in 1..10, got 0",
      "'resilience: {failure_rate: 101}' | llm.resilience.failure_rate: must be in 1..100 percent, got 101",
      "'resilience: {breaker_window: 5, breaker_minimum_calls: 6}' | llm.resilience.breaker_minimum_calls: must be in 1..breaker_window (5), got 6",
      "'resilience: {initial_backoff: 2s, max_backoff: 1s}' | llm.resilience.max_backoff: must be at least initial_backoff (2000ms), got 1000ms",
      "'resilience: {retries: 3}' | llm.resilience.retries: unknown key",
  })
  void aBadRouteOrResilienceSettingIsRefusedWithItsKey(String setting, String message) {
    String e = fails(TWO_MODELS + "  " + setting + "\n");
    assertTrue(e.startsWith(message), "got: " + e);
  }

  @Test
  void extractiveIsNoModelsName() {
    String e = fails(EXAMPLE.replace("- name: small", "- name: extractive").replace("default_model: small", "default_model: extractive"));
    assertTrue(e.startsWith("llm.models[0].name: \"extractive\" is Quarry's own answerer"), e);
  }

  @Test
  void namesMustBeUnique() {
    String twice = EXAMPLE.replace("""
          models:
        """, """
            - name: upstream
              kind: anthropic
              base_url: http://127.0.0.1:9000
          models:
        """);
    assertEquals("llm.providers: the name \"upstream\" is used twice; names must be unique", fails(twice));
  }

  @Test
  void aListWhereAMappingBelongsIsRefused() {
    assertEquals("llm.providers[0]: expected a section of keys, got \"upstream\"",
        fails("llm:\n  providers: [upstream]\n"));
    assertEquals("llm.models: expected a list, got a section of keys", fails("llm:\n  models: {name: x}\n"));
  }

  @Test
  void embeddingModelsAreReadWithTheirDefaultsAndCheckedAgainstTheProviders() {
    LlmConfig c = read("""
        llm:
          providers:
            - name: emb
              kind: openai
              base_url: http://127.0.0.1:8001/v1
          embedding_models:
            - id: remote-e5
              provider: emb
              model: e5-small-v2
              dimension: 384
              query_prefix: "query: "
              document_prefix: "passage: "
            - id: remote-dot
              provider: emb
              model: other
              dimension: 8
              max_tokens: 128
              similarity: dot_product
              batch_size: 4
        """);
    assertEquals(List.of(
        new EmbeddingModelConfig("remote-e5", "emb", "e5-small-v2", 384, EmbeddingModelConfig.DEFAULT_MAX_TOKENS,
            dev.quarry.core.embed.Similarity.COSINE, EmbeddingModelConfig.DEFAULT_BATCH_SIZE, "query: ", "passage: "),
        new EmbeddingModelConfig("remote-dot", "emb", "other", 8, 128, dev.quarry.core.embed.Similarity.DOT_PRODUCT, 4,
            "", "")), c.embeddingModels());
    assertEquals(LlmConfig.EXTRACTIVE, c.defaultModel());

    String base = """
        llm:
          providers:
            - name: emb
              kind: openai
              base_url: http://127.0.0.1:8001/v1
          embedding_models:
            - id: remote-e5
              provider: %s
              model: e5
              dimension: %s
              similarity: %s
        """;
    assertEquals("llm.embedding_models: model \"remote-e5\" names provider \"nope\", which is not configured; the "
        + "providers are [emb]", fails(base.formatted("nope", "384", "cosine")));
    assertEquals("llm.embedding_models[0].dimension: must be in 1..65536, got 0", fails(base.formatted("emb", "0", "cosine")));
    assertEquals("llm.embedding_models[0].similarity: expected one of cosine, dot_product, got \"l2\"",
        fails(base.formatted("emb", "384", "l2")));
    assertTrue(fails(base.replace("      dimension: %s\n", "").formatted("emb", "cosine"))
        .startsWith("llm.embedding_models[0].dimension: required"));
  }
}
