package dev.quarry.llm.config;

import dev.quarry.core.error.InvalidInputException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code llm} section: the upstream providers, the models on them, the routes over those models,
 * the model (or route) a request gets when it names none ({@code extractive}, Quarry's own answerer,
 * when no model is configured), and how calls are retried and breakers open. Bind it with
 * {@link LlmConfigReader}.
 */
public record LlmConfig(List<ProviderConfig> providers, List<ModelConfig> models, List<RouteConfig> routes,
    String defaultModel, ResilienceConfig resilience, List<EmbeddingModelConfig> embeddingModels) {

  /** The name of the extractive answerer, which needs no provider. */
  public static final String EXTRACTIVE = "extractive";

  /** No providers, no models: every request is answered extractively. */
  public static final LlmConfig NONE = new LlmConfig(List.of(), List.of(), EXTRACTIVE);

  /** Providers and models without routes or remote embedding models, with the default resilience settings. */
  public LlmConfig(List<ProviderConfig> providers, List<ModelConfig> models, String defaultModel) {
    this(providers, models, List.of(), defaultModel, ResilienceConfig.DEFAULT, List.of());
  }

  /** Providers, models and routes without remote embedding models. */
  public LlmConfig(List<ProviderConfig> providers, List<ModelConfig> models, List<RouteConfig> routes,
      String defaultModel, ResilienceConfig resilience) {
    this(providers, models, routes, defaultModel, resilience, List.of());
  }

  public LlmConfig {
    providers = List.copyOf(providers);
    models = List.copyOf(models);
    routes = List.copyOf(routes);
    embeddingModels = List.copyOf(embeddingModels);
    Objects.requireNonNull(defaultModel, "defaultModel");
    Objects.requireNonNull(resilience, "resilience");
    Set<String> providerNames = new HashSet<>();
    for (ProviderConfig p : providers) {
      if (!providerNames.add(p.name())) {
        throw new InvalidInputException("providers: the name \"" + p.name() + "\" is used twice; names must be unique");
      }
    }
    Set<String> modelNames = new HashSet<>();
    for (ModelConfig m : models) {
      if (!modelNames.add(m.name())) {
        throw new InvalidInputException("models: the name \"" + m.name() + "\" is used twice; names must be unique");
      }
      if (!providerNames.contains(m.provider())) {
        throw new InvalidInputException("models: model \"" + m.name() + "\" names provider \"" + m.provider()
            + "\", which is not configured; the providers are " + providerNames.stream().sorted().toList());
      }
    }
    Set<String> routeNames = new HashSet<>();
    for (RouteConfig r : routes) {
      if (r.name().equals(EXTRACTIVE) || modelNames.contains(r.name())) {
        throw new InvalidInputException("routes." + r.name() + ": the name is already a model's; a request names a "
            + "route or a model, so their names must differ");
      }
      if (!routeNames.add(r.name())) {
        throw new InvalidInputException("routes: the name \"" + r.name() + "\" is used twice; names must be unique");
      }
      for (int i = 0; i < r.models().size(); i++) {
        if (!modelNames.contains(r.models().get(i))) {
          throw new InvalidInputException("routes." + r.name() + ".models[" + i + "]: \"" + r.models().get(i)
              + "\" is not a configured model; the models are " + modelNames.stream().sorted().toList());
        }
      }
    }
    Set<String> embeddingIds = new HashSet<>();
    for (EmbeddingModelConfig e : embeddingModels) {
      if (!embeddingIds.add(e.id())) {
        throw new InvalidInputException("embedding_models: the id \"" + e.id() + "\" is used twice; ids must be unique");
      }
      if (!providerNames.contains(e.provider())) {
        throw new InvalidInputException("embedding_models: model \"" + e.id() + "\" names provider \"" + e.provider()
            + "\", which is not configured; the providers are " + providerNames.stream().sorted().toList());
      }
    }
    if (!defaultModel.equals(EXTRACTIVE) && !modelNames.contains(defaultModel) && !routeNames.contains(defaultModel)) {
      throw new InvalidInputException("default_model: must be \"" + EXTRACTIVE + "\", a configured model "
          + modelNames.stream().sorted().toList() + " or a route " + routeNames.stream().sorted().toList()
          + ", got \"" + defaultModel + "\"");
    }
  }

  public Optional<RouteConfig> route(String name) {
    return routes.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  public Optional<ModelConfig> model(String name) {
    return models.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  public Optional<ProviderConfig> provider(String name) {
    return providers.stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
