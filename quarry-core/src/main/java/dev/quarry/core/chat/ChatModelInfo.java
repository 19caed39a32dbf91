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
}
