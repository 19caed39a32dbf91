package dev.quarry.llm.config;

import java.util.Locale;

/** The wire protocol a provider speaks. */
public enum ProviderKind {
  /** OpenAI-compatible Chat Completions and Embeddings: OpenAI, vLLM, Ollama, llama.cpp's server, LiteLLM. */
  OPENAI,
  /** Anthropic Messages. */
  ANTHROPIC;

  /** The name the configuration uses: {@code openai}, {@code anthropic}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
