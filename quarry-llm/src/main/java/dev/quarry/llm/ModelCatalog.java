package dev.quarry.llm;

import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatModelInfo;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.core.embed.Embedder;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.llm.anthropic.AnthropicChatProtocol;
import dev.quarry.llm.config.EmbeddingModelConfig;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.ModelConfig;
import dev.quarry.llm.config.Price;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.openai.OpenAiChatProtocol;
import dev.quarry.llm.config.RouteConfig;
import dev.quarry.llm.openai.OpenAiEmbedder;
import dev.quarry.llm.route.ModelHealth;
import dev.quarry.llm.route.ModelRouter;
import dev.quarry.llm.route.ResilientModel;
import dev.quarry.llm.route.RouteCandidate;
import dev.quarry.llm.wire.ChatProtocol;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The configured models, built once from {@link LlmConfig}: one HTTP client per provider (HTTP/1.1,
 * virtual threads named {@code llm-<provider>-N}), one {@link ChatModel} per model, and what the
 * pipeline needs beside them: prices, cost, the default model and token counters. API keys are read
 * here, at start-up, through {@code env} (a variable named by {@code api_key_env} that is not set
 * fails the start); nothing here touches the network. The extractive answerer is not in the
 * catalog: it is Quarry's own, built beside it.
 */
public final class ModelCatalog implements AutoCloseable {

  /** The jitter of retries' backoff (thread-safe). */
  private static final Random RANDOM = new Random();

  private record Provider(ProviderConfig config, Optional<String> apiKey, HttpClient client) {}

  private record Entry(ModelConfig config, ChatModel model, TokenCounter tokens, ModelRouter routed) {}

  private final LlmConfig config;
  private final Clock clock;
  private final ModelHealth health;
  private final Map<String, Provider> providers = new LinkedHashMap<>();
  private final Map<String, Entry> models = new LinkedHashMap<>();
  private final Map<String, ModelRouter> routes = new LinkedHashMap<>();

  private ModelCatalog(LlmConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.health = new ModelHealth(config.resilience(), clock);
  }

  /**
   * Builds the catalog; {@code env} looks environment variables up (pass {@code n ->
   * Optional.ofNullable(System.getenv(n))} in production).
   */
  public static ModelCatalog build(LlmConfig config, Function<String, Optional<String>> env, Clock clock) {
    ModelCatalog catalog = new ModelCatalog(config, clock);
    for (int i = 0; i < config.providers().size(); i++) {
      ProviderConfig p = config.providers().get(i);
      Optional<String> key = Optional.empty();
      if (p.apiKeyEnv().isPresent()) {
        String variable = p.apiKeyEnv().get();
        key = env.apply(variable).filter(v -> !v.isBlank());
        if (key.isEmpty()) {
          catalog.close();
          throw new InvalidInputException("llm.providers[" + i + "].api_key_env: the environment variable " + variable
              + " is not set (provider " + p.name() + " reads its API key from it)");
        }
      }
      HttpClient client = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(p.timeout())
          .followRedirects(HttpClient.Redirect.NEVER)
          .executor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("llm-" + p.name() + "-", 0).factory()))
          .build();
      catalog.providers.put(p.name(), new Provider(p, key, client));
    }
    for (ModelConfig m : config.models()) {
      Provider p = catalog.providers.get(m.provider());
      ChatModelInfo info = new ChatModelInfo(m.name(), m.provider(), m.model(), m.contextTokens(), m.capabilities());
      TokenCounter tokens = TokenCounter.forModel(m.model());
      ChatProtocol protocol = switch (p.config().kind()) {
        case OPENAI -> new OpenAiChatProtocol();
        case ANTHROPIC -> new AnthropicChatProtocol();
      };
      RemoteChatModel remote = new RemoteChatModel(info, p.config(), protocol, p.apiKey(), p.client(), tokens, clock);
      RouteCandidate resilient = new RouteCandidate(new ResilientModel(remote, catalog.health, RANDOM, clock),
          m.price(), tokens);
      catalog.models.put(m.name(), new Entry(m, remote, tokens, ModelRouter.single(resilient, clock)));
    }
    for (RouteConfig r : config.routes()) {
      List<RouteCandidate> candidates = r.models().stream()
          .map(name -> catalog.models.get(name).routed().models().getFirst()).toList();
      catalog.routes.put(r.name(), ModelRouter.route(r.name(), candidates, r.strategy(), clock));
    }
    return catalog;
  }

  public LlmConfig config() {
    return config;
  }

  /** The model a request gets when it names none: a configured model's or route's name, or {@code extractive}. */
  public String defaultModel() {
    return config.defaultModel();
  }

  /** The configured models, in configuration order. */
  public List<ChatModelInfo> models() {
    return models.values().stream().map(e -> e.model().info()).toList();
  }

  /** A configured model as its provider serves it: one call, no retries, no breaker. */
  public Optional<ChatModel> model(String name) {
    return Optional.ofNullable(models.get(name)).map(Entry::model);
  }

  /**
   * What a request naming {@code name} is served by: a route, or a model as a route of one (behind its
   * breaker, with retries); see {@link ModelRouter}.
   */
  public Optional<ModelRouter> routed(String name) {
    ModelRouter route = routes.get(name);
    if (route != null) {
      return Optional.of(route);
    }
    return Optional.ofNullable(models.get(name)).map(Entry::routed);
  }

  /** The configured routes, in configuration order. */
  public List<ModelRouter> routes() {
    return List.copyOf(routes.values());
  }

  /** The models' circuit breakers. */
  public ModelHealth health() {
    return health;
  }

  /** The prices of a configured model. */
  public Price price(String model) {
    return entry(model).config().price();
  }

  /** What {@code usage} of a configured model costs at its configured prices. */
  public BigDecimal cost(String model, TokenUsage usage) {
    return price(model).cost(usage);
  }

  /** The token counter of a configured model (its tokenizer, or the estimate {@link TokenCounter} describes). */
  public TokenCounter tokenCounter(String model) {
    return entry(model).tokens();
  }

  /** An embedder on one of the OpenAI-compatible providers. */
  public Embedder embedder(EmbeddingModelConfig embedding) {
    Provider p = providers.get(embedding.provider());
    if (p == null) {
      throw new InvalidInputException("embedding model " + embedding.id() + " names provider \"" + embedding.provider()
          + "\", which is not configured; the providers are " + providers.keySet());
    }
    if (p.config().kind() != ProviderKind.OPENAI) {
      throw new InvalidInputException("embedding model " + embedding.id() + " names provider " + embedding.provider()
          + " of kind " + p.config().kind().configName() + "; embeddings need an openai (OpenAI-compatible) provider");
    }
    return new OpenAiEmbedder(embedding, p.config(), p.apiKey(), p.client(), clock);
  }

  private Entry entry(String model) {
    Entry e = models.get(model);
    if (e == null) {
      throw new NotFoundException("no model named \"" + model + "\"; the configured models are " + models.keySet());
    }
    return e;
  }

  /** Closes the providers' HTTP clients (their connections and threads); calls still running fail. */
  @Override
  public void close() {
    providers.values().forEach(p -> p.client().shutdownNow());
  }
}
