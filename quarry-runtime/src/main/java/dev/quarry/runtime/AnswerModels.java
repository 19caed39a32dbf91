package dev.quarry.runtime;

import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatModelInfo;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.llm.ModelCatalog;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.Price;
import dev.quarry.llm.route.BreakerStatus;
import dev.quarry.llm.route.ModelRouter;
import dev.quarry.llm.route.RouteCandidate;
import dev.quarry.runtime.assemble.TokenCount;
import dev.quarry.runtime.generate.ExtractiveAnswerer;
import dev.quarry.runtime.generate.ModelGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The models a request may name: {@code extractive}, always, every model of the catalog and every
 * route. A model or route is served by the catalog's {@link ModelRouter}: a model behind its circuit
 * breaker with retries, a route falling back along its models. A route counts tokens with, and is
 * priced at, its first model (the pipeline budgets the context for it; the route skips the models
 * whose window cannot hold the prompt).
 */
public final class AnswerModels {

  /** The provider name the extractive answerer reports. */
  public static final String QUARRY = "quarry";

  private final ModelCatalog catalog;
  private final AnswerModel extractive;
  private final BiFunction<ChatModel, List<String>, ChatModel> decorate;

  /**
   * The models of {@code catalog} beside the extractive answerer. The configured models' token
   * counters load their encodings on a virtual thread now (a second or more each, see {@link
   * dev.quarry.llm.TokenCounter}), so that the first request does not pay it.
   */
  public AnswerModels(ModelCatalog catalog, AnswerSettings settings) {
    this(catalog, settings, (model, candidates) -> model);
  }

  /**
   * Like {@link #AnswerModels(ModelCatalog, AnswerSettings)}, every configured model wrapped by
   * {@code decorate} (token and cost accounting with budgets, in the server) for every call made
   * through it: the pipeline's generation and rewrite, the tool loop and the OpenAI-compatible
   * proxy. It wraps a model's or route's router and is given the models that may answer (a route's,
   * in order), so that a reservation can price the worst of them.
   */
  public AnswerModels(ModelCatalog catalog, AnswerSettings settings,
      BiFunction<ChatModel, List<String>, ChatModel> decorate) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.decorate = Objects.requireNonNull(decorate, "decorate");
    for (ChatModelInfo m : catalog.models()) {
      Thread.ofVirtual().name("token-counter-" + m.name()).start(() -> catalog.tokenCounter(m.name()).count("warm"));
    }
    this.extractive = new AnswerModel(
        new ChatModelInfo(LlmConfig.EXTRACTIVE, QUARRY, ExtractiveAnswerer.NAME, settings.contextTokens(),
            Set.of(ModelCapability.STREAMING)),
        new ExtractiveAnswerer(settings.answerWords()), TokenCount.WORDS, Price.FREE, Optional.empty());
  }

  /** The model a request gets when it names none. */
  public String defaultModel() {
    return catalog.defaultModel();
  }

  /** Every model's description, {@code extractive} first, then the routes'. */
  public List<ChatModelInfo> list() {
    List<ChatModelInfo> out = new ArrayList<>();
    out.add(extractive.info());
    out.addAll(catalog.models());
    catalog.routes().forEach(r -> out.add(r.info()));
    return out;
  }

  /** The configured routes. */
  public List<ModelRouter> routes() {
    return catalog.routes();
  }

  /** The models' circuit breakers, as they stand. */
  public List<BreakerStatus> breakers() {
    return catalog.health().status();
  }

  /** The model named {@code name}, or {@link NotFoundException} naming those there are. */
  public AnswerModel resolve(String name) {
    if (name.equals(LlmConfig.EXTRACTIVE)) {
      return extractive;
    }
    ModelRouter routed = catalog.routed(name).orElseThrow(() -> new NotFoundException("model '" + name
        + "' is not configured; the models and routes are " + list().stream().map(ChatModelInfo::name).toList()));
    ChatModel model = decorate.apply(routed, routed.models().stream().map(RouteCandidate::name).toList());
    RouteCandidate first = routed.models().getFirst();
    return new AnswerModel(model.info(), new ModelGenerator(model, first.tokens()), first.tokens()::count, first.price(),
        Optional.of(model));
  }

  /** The extractive answerer, which every failed or late generation falls back to. */
  public AnswerModel extractive() {
    return extractive;
  }
}
