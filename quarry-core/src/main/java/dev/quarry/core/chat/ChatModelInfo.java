package dev.quarry.core.chat;

import java.util.Objects;
import java.util.Set;

/**
 * What Quarry knows about a model from its configuration, never from a network call: its name in
 * Quarry, the provider it runs on, the upstream's model name, its context window and capabilities.
 */
public record ChatModelInfo(String name, String provider, String upstreamModel, int contextTokens,
    Set<ModelCapability> capabilities) {
  public ChatModelInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(upstreamModel, "upstreamModel");
    capabilities = Set.copyOf(capabilities);
    if (contextTokens < 1) {
      throw new IllegalArgumentException("context_tokens must be at least 1, got: " + contextTokens);
    }
  }

  /**
   * The capabilities of {@code needed} this model lacks, in declaration order; empty when it can be
   * given a request that needs them ({@link ChatRequest#needs()}). The one capability rule: a model
   * is never sent a request it lacks a capability for, and a router skips it.
   */
  public Set<ModelCapability> lacking(Set<ModelCapability> needed) {
    java.util.EnumSet<ModelCapability> out = java.util.EnumSet.noneOf(ModelCapability.class);
    for (ModelCapability c : needed) {
      if (!capabilities.contains(c)) {
        out.add(c);
      }
    }
    return java.util.Collections.unmodifiableSet(out);
  }

  /**
   * Refuses, with an {@link dev.quarry.core.error.InvalidInputException} naming this model and the
   * capabilities it lacks, a request that needs any of {@code needed} this model does not have.
   */
  public void require(Set<ModelCapability> needed) {
    Set<ModelCapability> missing = lacking(needed);
    if (!missing.isEmpty()) {
      throw new dev.quarry.core.error.InvalidInputException("model '" + name + "' cannot honour this request: it lacks "
          + String.join(" and ", missing.stream().map(c -> "the " + c.wireName() + " capability (needed for "
              + c.neededFor() + ")").toList()));
    }
  }
}
