package dev.quarry.llm.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.error.InvalidInputException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds the {@code llm} section from its parsed YAML (or JSON) tree. Every error names the key's
 * full path, the value and the rule, e.g. {@code llm.providers[0].timeout: expected a duration such
 * as 500ms, 1s, 5m or 2h, got "30"}; unknown keys are refused with the list of known ones. Lists of
 * providers and models live in the file only (no environment overrides).
 *
 * <p>{@code default_model} defaults to the first listed model, and to {@code extractive} when no
 * model is listed; {@code timeout} to 60s; {@code capabilities} to {@code [streaming]};
 * {@code price_per_mtok} to zero; {@code api_key_env} to none (a server that needs no key);
 * {@code routes} to none; {@code resilience} to {@link ResilienceConfig#DEFAULT}.
 */
public final class LlmConfigReader {

  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)");

  private LlmConfigReader() {}

  /** Binds {@code node}, the value of key {@code path} ({@code llm}); missing or {@code null}: {@link LlmConfig#NONE}. */
  public static LlmConfig read(JsonNode node, String path) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return LlmConfig.NONE;
    }
    Section s = Section.of(node, path);
    List<ProviderConfig> providers = s.list("providers", LlmConfigReader::provider);
    List<ModelConfig> models = s.list("models", LlmConfigReader::model);
    List<RouteConfig> routes = s.section("routes").map(LlmConfigReader::routes).orElse(List.of());
    String defaultModel = s.text("default_model")
        .orElse(models.isEmpty() ? LlmConfig.EXTRACTIVE : models.getFirst().name());
    ResilienceConfig resilience = s.section("resilience").map(LlmConfigReader::resilience)
        .orElse(ResilienceConfig.DEFAULT);
    List<EmbeddingModelConfig> embeddings = s.list("embedding_models", LlmConfigReader::embeddingModel);
    s.done("providers", "models", "routes", "default_model", "resilience", "embedding_models");
    return s.build(() -> new LlmConfig(providers, models, routes, defaultModel, resilience, embeddings));
  }

  /**
   * {@code routes: {name: [model, ...]}}, or {@code name: {models: [...], strategy: ordered|cheapest}}
   * for a strategy other than {@code ordered}.
   */
  private static List<RouteConfig> routes(Section s) {
    List<RouteConfig> routes = new ArrayList<>();
    Iterator<String> names = s.node().fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      JsonNode n = s.node().get(name);
      List<String> models;
      RouteStrategy strategy = RouteStrategy.ORDERED;
      if (n.isArray()) {
        models = s.texts(name);
      } else if (n.isObject()) {
        Section r = Section.of(n, s.path() + "." + name);
        models = r.texts("models");
        String st = r.text("strategy").orElse("ordered");
        strategy = switch (st) {
          case "ordered" -> RouteStrategy.ORDERED;
          case "cheapest" -> RouteStrategy.CHEAPEST;
          default -> throw r.fail("strategy", "expected one of ordered, cheapest, got \"" + st + "\"");
        };
        r.done("models", "strategy");
      } else {
        throw s.fail(name, "expected a list of models, or a section with models and strategy, got " + describe(n));
      }
      RouteStrategy chosen = strategy;
      routes.add(build(s.path() + "." + name, () -> new RouteConfig(name, models, chosen)));
    }
    return routes;
  }

  private static ResilienceConfig resilience(Section s) {
    ResilienceConfig d = ResilienceConfig.DEFAULT;
    Duration callTimeout = s.duration("call_timeout").orElse(d.callTimeout());
    int maxAttempts = s.integer("max_attempts").orElse(d.maxAttempts());
    Duration initial = s.duration("initial_backoff").orElse(d.initialBackoff());
    Duration max = s.duration("max_backoff").orElse(d.maxBackoff());
    Duration maxWait = s.duration("max_retry_wait").orElse(d.maxRetryWait());
    int window = s.integer("breaker_window").orElse(d.breakerWindow());
    int minimum = s.integer("breaker_minimum_calls").orElse(Math.min(d.breakerMinimumCalls(), window));
    int rate = s.integer("failure_rate").orElse(d.failureRate());
    Duration openFor = s.duration("open_for").orElse(d.openFor());
    int halfOpen = s.integer("half_open_calls").orElse(d.halfOpenCalls());
    s.done("call_timeout", "max_attempts", "initial_backoff", "max_backoff", "max_retry_wait", "breaker_window",
        "breaker_minimum_calls", "failure_rate", "open_for", "half_open_calls");
    return s.build(() -> new ResilienceConfig(callTimeout, maxAttempts, initial, max, maxWait, window, minimum, rate,
        openFor, halfOpen));
  }

  /** Runs a record's constructor, prefixing its message (which starts with the key) with {@code path}. */
  private static <T> T build(String path, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (InvalidInputException e) {
      throw new InvalidInputException(path + "." + e.getMessage(), e);
    }
  }

  private static ProviderConfig provider(Section s) {
    String name = s.required("name");
    String kindName = s.required("kind");
    ProviderKind kind = switch (kindName) {
      case "openai" -> ProviderKind.OPENAI;
      case "anthropic" -> ProviderKind.ANTHROPIC;
      default -> throw s.fail("kind", "expected one of openai, anthropic, got \"" + kindName + "\"");
    };
    String url = s.required("base_url");
    URI baseUrl;
    try {
      baseUrl = new URI(url);
    } catch (URISyntaxException e) {
      throw s.fail("base_url", "not a valid URL (" + e.getReason() + "), got \"" + url + "\"");
    }
    Optional<String> keyEnv = s.text("api_key_env");
    Duration timeout = s.duration("timeout").orElse(ProviderConfig.DEFAULT_TIMEOUT);
    s.done("name", "kind", "base_url", "api_key_env", "timeout");
    return s.build(() -> new ProviderConfig(name, kind, baseUrl, keyEnv, timeout));
  }

  private static ModelConfig model(Section s) {
    String name = s.required("name");
    String provider = s.required("provider");
    String model = s.required("model");
    int context = s.integer("context_tokens").orElseThrow(() -> s.fail("context_tokens", "required, the model's context window in tokens"));
    Price price = s.section("price_per_mtok").map(p -> {
      BigDecimal in = p.decimal("input").orElse(BigDecimal.ZERO);
      BigDecimal out = p.decimal("output").orElse(BigDecimal.ZERO);
      p.done("input", "output");
      return p.build(() -> new Price(in, out));
    }).orElse(Price.FREE);
    Set<ModelCapability> capabilities = s.has("capabilities") ? capabilities(s) : ModelConfig.DEFAULT_CAPABILITIES;
    s.done("name", "provider", "model", "context_tokens", "price_per_mtok", "capabilities");
    return s.build(() -> new ModelConfig(name, provider, model, context, price, capabilities));
  }

  private static EmbeddingModelConfig embeddingModel(Section s) {
    String id = s.required("id");
    String provider = s.required("provider");
    String model = s.required("model");
    int dimension = s.integer("dimension").orElseThrow(() -> s.fail("dimension", "required, the length of the vectors"));
    int maxTokens = s.integer("max_tokens").orElse(EmbeddingModelConfig.DEFAULT_MAX_TOKENS);
    String similarityName = s.text("similarity").orElse("cosine");
    Similarity similarity = switch (similarityName) {
      case "cosine" -> Similarity.COSINE;
      case "dot_product" -> Similarity.DOT_PRODUCT;
      default -> throw s.fail("similarity", "expected one of cosine, dot_product, got \"" + similarityName + "\"");
    };
    int batch = s.integer("batch_size").orElse(EmbeddingModelConfig.DEFAULT_BATCH_SIZE);
    String queryPrefix = s.text("query_prefix").orElse("");
    String documentPrefix = s.text("document_prefix").orElse("");
    s.done("id", "provider", "model", "dimension", "max_tokens", "similarity", "batch_size", "query_prefix",
        "document_prefix");
    return s.build(() -> new EmbeddingModelConfig(id, provider, model, dimension, maxTokens, similarity, batch,
        queryPrefix, documentPrefix));
  }

  private static Set<ModelCapability> capabilities(Section s) {
    Set<ModelCapability> capabilities = EnumSet.noneOf(ModelCapability.class);
    for (String c : s.texts("capabilities")) {
      capabilities.add(switch (c) {
        case "streaming" -> ModelCapability.STREAMING;
        case "tools" -> ModelCapability.TOOLS;
        case "json_schema" -> ModelCapability.JSON_SCHEMA;
        default -> throw s.fail("capabilities", "expected each of streaming, tools, json_schema, got \"" + c + "\"");
      });
    }
    return capabilities;
  }

  /** A mapping of the tree at {@code path}. */
  private record Section(JsonNode node, String path) {

    static Section of(JsonNode node, String path) {
      if (!node.isObject()) {
        throw new InvalidInputException(path + ": expected a section of keys, got " + describe(node));
      }
      return new Section(node, path);
    }

    boolean has(String key) {
      JsonNode n = node.get(key);
      return n != null && !n.isNull();
    }

    InvalidInputException fail(String key, String problem) {
      return new InvalidInputException(path + "." + key + ": " + problem);
    }

    /** Runs a record's constructor, prefixing its message (which starts with the key) with this path. */
    <T> T build(Supplier<T> constructor) {
      try {
        return constructor.get();
      } catch (InvalidInputException e) {
        throw new InvalidInputException(path + "." + e.getMessage(), e);
      }
    }

    Optional<String> text(String key) {
      if (!has(key)) {
        return Optional.empty();
      }
      JsonNode n = node.get(key);
      if (!n.isTextual()) {
        throw fail(key, "expected text, got " + describe(n));
      }
      return Optional.of(n.textValue());
    }

    String required(String key) {
      return text(key).orElseThrow(() -> fail(key, "required"));
    }

    Optional<Integer> integer(String key) {
      if (!has(key)) {
        return Optional.empty();
      }
      JsonNode n = node.get(key);
      if (!n.isIntegralNumber() || !n.canConvertToInt()) {
        throw fail(key, "expected a whole number, got " + describe(n));
      }
      return Optional.of(n.intValue());
    }

    Optional<BigDecimal> decimal(String key) {
      if (!has(key)) {
        return Optional.empty();
      }
      JsonNode n = node.get(key);
      if (!n.isNumber()) {
        throw fail(key, "expected a number, got " + describe(n));
      }
      return Optional.of(n.decimalValue());
    }

    Optional<Duration> duration(String key) {
      if (!has(key)) {
        return Optional.empty();
      }
      JsonNode n = node.get(key);
      Matcher m = n.isTextual() ? DURATION.matcher(n.textValue().trim()) : null;
      if (m == null || !m.matches()) {
        throw fail(key, "expected a duration such as 500ms, 1s, 5m or 2h, got " + describe(n));
      }
      long amount = Long.parseLong(m.group(1));
      return Optional.of(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      });
    }

    Optional<Section> section(String key) {
      return has(key) ? Optional.of(Section.of(node.get(key), path + "." + key)) : Optional.empty();
    }

    /** A list of sections, each bound by {@code item}. */
    <T> List<T> list(String key, Function<Section, T> item) {
      List<T> items = new ArrayList<>();
      JsonNode n = array(key);
      for (int i = 0; i < n.size(); i++) {
        items.add(item.apply(Section.of(n.get(i), path + "." + key + "[" + i + "]")));
      }
      return items;
    }

    List<String> texts(String key) {
      List<String> items = new ArrayList<>();
      JsonNode n = array(key);
      for (int i = 0; i < n.size(); i++) {
        if (!n.get(i).isTextual()) {
          throw new InvalidInputException(path + "." + key + "[" + i + "]: expected text, got " + describe(n.get(i)));
        }
        items.add(n.get(i).textValue());
      }
      return items;
    }

    private JsonNode array(String key) {
      if (!has(key)) {
        return JsonNodeFactory.instance.arrayNode();
      }
      JsonNode n = node.get(key);
      if (!n.isArray()) {
        throw fail(key, "expected a list, got " + describe(n));
      }
      return n;
    }

    void done(String... known) {
      Set<String> allowed = new TreeSet<>(List.of(known));
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!allowed.contains(name)) {
          throw new InvalidInputException(path + "." + name + ": unknown key; the keys of " + path + " are "
              + String.join(", ", allowed));
        }
      }
    }
  }

  static String describe(JsonNode n) {
    if (n.isTextual()) {
      return "\"" + n.textValue() + "\"";
    }
    if (n.isObject()) {
      return "a section of keys";
    }
    if (n.isArray()) {
      return "a list";
    }
    return n.asText().toLowerCase(Locale.ROOT);
  }
}
