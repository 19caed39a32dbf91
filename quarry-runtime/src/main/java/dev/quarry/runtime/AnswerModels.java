package dev.quarry.runtime;

import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatModelInfo;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.llm.ModelCatalog;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.Price;
import dev.quarry.runtime.assemble.TokenCount;
import dev.quarry.runtime.generate.ExtractiveAnswerer;
import dev.quarry.runtime.generate.ModelGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/** The models a request may name: {@code extractive}, always, and every model of the catalog. */
public final class AnswerModels {

  /** The provider name the extractive answerer reports. */
  public static final String QUARRY = "quarry";

  private final ModelCatalog catalog;
  private final AnswerModel extractive;
  private final UnaryOperator<ChatModel> decorate;

  /**
   * The models of {@code catalog} beside the extractive answerer. The configured models' token
   * counters load their encodings on a virtual thread now (a second or more each, see {@link
   * dev.quarry.llm.TokenCounter}), so that the first request does not pay it.
   */
  public AnswerModels(ModelCatalog catalog, AnswerSettings settings) {
    this(catalog, settings, UnaryOperator.identity());
  }

  /**
   * Like {@link #AnswerModels(ModelCatalog, AnswerSettings)}, every configured model wrapped by
   * {@code decorate} (token and cost accounting with budgets, in the server) for every call made
   * through it: the pipeline's generation and rewrite, and the OpenAI-compatible proxy.
   */
  public AnswerModels(ModelCatalog catalog, AnswerSettings settings, UnaryOperator<ChatModel> decorate) {
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

  /** Every model's description, {@code extractive} first. */
  public List<ChatModelInfo> list() {
    List<ChatModelInfo> out = new ArrayList<>();
    out.add(extractive.info());
    out.addAll(catalog.models());
    return out;
  }

  /** The model named {@code name}, or {@link NotFoundException} naming those there are. */
  public AnswerModel resolve(String name) {
    if (name.equals(LlmConfig.EXTRACTIVE)) {
      return extractive;
    }
    ChatModel model = decorate.apply(catalog.model(name).orElseThrow(() -> new NotFoundException("model '" + name
        + "' is not configured; the models are " + list().stream().map(ChatModelInfo::name).toList())));
    return new AnswerModel(model.info(), new ModelGenerator(model), catalog.tokenCounter(name)::count,
        catalog.price(name), Optional.of(model));
  }

  /** The extractive answerer, which every failed or late generation falls back to. */
  public AnswerModel extractive() {
    return extractive;
  }
}
