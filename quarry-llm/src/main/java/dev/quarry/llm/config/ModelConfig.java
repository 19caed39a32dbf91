package dev.quarry.llm.config;

import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.error.InvalidInputException;
import java.util.Objects;
import java.util.Set;

/**
 * One model (an entry of {@code llm.models}): its name in Quarry, the provider it runs on, the
 * upstream's name for it, its context window in tokens, its prices and what it can be asked for.
 */
public record ModelConfig(String name, String provider, String model, int contextTokens, Price price,
    Set<ModelCapability> capabilities) {

  /** The capabilities of a model that lists none: streaming. */
  public static final Set<ModelCapability> DEFAULT_CAPABILITIES = Set.of(ModelCapability.STREAMING);

  public ModelConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(price, "price");
    capabilities = Set.copyOf(capabilities);
    if (!name.matches(ProviderConfig.NAME_RULE)) {
      throw new InvalidInputException("name: must be 1-64 of A-Z a-z 0-9 . _ -, got \"" + name + "\"");
    }
    if (name.equals(LlmConfig.EXTRACTIVE)) {
      throw new InvalidInputException("name: \"" + LlmConfig.EXTRACTIVE
          + "\" is Quarry's own answerer and cannot name a configured model");
    }
    if (model.isBlank() || model.length() > 256) {
      throw new InvalidInputException("model: must be 1-256 characters and not blank, got \"" + model + "\"");
    }
    if (contextTokens < 16 || contextTokens > 100_000_000) {
      throw new InvalidInputException("context_tokens: must be in 16..100000000, got " + contextTokens);
    }
  }
}
