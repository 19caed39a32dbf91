package dev.quarry.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chat.ChatModelInfo;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.llm.config.EmbeddingModelConfig;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.ModelConfig;
import dev.quarry.llm.config.Price;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.config.ProviderKind;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {

  static final ProviderConfig LOCAL = new ProviderConfig("local", ProviderKind.OPENAI, URI.create("http://127.0.0.1:1/v1"),
      Optional.empty(), Duration.ofSeconds(5));
  static final ProviderConfig CLAUDE = new ProviderConfig("claude", ProviderKind.ANTHROPIC,
      URI.create("http://127.0.0.1:1"), Optional.of("ANTHROPIC_API_KEY"), Duration.ofSeconds(5));
  static final ModelConfig SMALL = new ModelConfig("small", "local", "llama-3.1-8b-instruct", 8192,
      new Price(new BigDecimal("0.10"), new BigDecimal("0.20")), Set.of(ModelCapability.STREAMING));
  static final ModelConfig BIG = new ModelConfig("big", "claude", "claude-sonnet-4-5", 200_000,
      new Price(new BigDecimal("3"), new BigDecimal("15")), Set.of(ModelCapability.STREAMING, ModelCapability.TOOLS));
  static final LlmConfig CONFIG = new LlmConfig(List.of(LOCAL, CLAUDE), List.of(SMALL, BIG), "small");

  static ModelCatalog catalog(Map<String, String> env) {
    return ModelCatalog.build(CONFIG, name -> Optional.ofNullable(env.get(name)), Clock.systemUTC());
  }

  @Test
  void buildsEveryConfiguredModelWithoutTouchingTheNetwork() {
    try (ModelCatalog c = catalog(Map.of("ANTHROPIC_API_KEY", "sk-ant"))) {
      assertEquals(List.of(
          new ChatModelInfo("small", "local", "llama-3.1-8b-instruct", 8192, Set.of(ModelCapability.STREAMING)),
          new ChatModelInfo("big", "claude", "claude-sonnet-4-5", 200_000,
              Set.of(ModelCapability.STREAMING, ModelCapability.TOOLS))), c.models());
      assertEquals("small", c.defaultModel());
      assertEquals("big", c.model("big").orElseThrow().info().name());
      assertTrue(c.model("extractive").isEmpty(), "the extractive answerer is built beside the catalog");
    }
  }

  @Test
  void anApiKeyVariableThatIsNotSetFailsTheStart() {
    var e = assertThrows(InvalidInputException.class, () -> catalog(Map.of("ANTHROPIC_API_KEY", " ")));
    assertEquals("llm.providers[1].api_key_env: the environment variable ANTHROPIC_API_KEY is not set"
        + " (provider claude reads its API key from it)", e.getMessage());
  }

  @Test
  void costsFollowTheConfiguredPricesPerMillionTokens() {
    try (ModelCatalog c = catalog(Map.of("ANTHROPIC_API_KEY", "sk-ant"))) {
      // 1,200 in at 3/M + 350 out at 15/M = 0.0036 + 0.00525
      assertEquals(new BigDecimal("0.00885"), c.cost("big", new TokenUsage(1200, 350, 0, false)));
      // ten thousand tiny calls add up exactly: 10,000 * (1 * 0.10 + 1 * 0.20) / 1M = 0.003
      BigDecimal sum = BigDecimal.ZERO;
      for (int i = 0; i < 10_000; i++) {
        sum = sum.add(c.cost("small", new TokenUsage(1, 1, 0, false)));
      }
      assertEquals(0, new BigDecimal("0.003").compareTo(sum), "got " + sum);
      assertEquals(0, BigDecimal.ZERO.compareTo(c.cost("small", TokenUsage.NONE)));
      var e = assertThrows(NotFoundException.class, () -> c.cost("huge", TokenUsage.NONE));
      assertEquals("no model named \"huge\"; the configured models are [small, big]", e.getMessage());
    }
  }

  @Test
  void embeddingsNeedAnOpenAiCompatibleProvider() {
    try (ModelCatalog c = catalog(Map.of("ANTHROPIC_API_KEY", "sk-ant"))) {
      var onClaude = new EmbeddingModelConfig("remote-e5", "claude", "e5", 384, 512, Similarity.COSINE, 64, "", "");
      var e = assertThrows(InvalidInputException.class, () -> c.embedder(onClaude));
      assertTrue(e.getMessage().contains("embeddings need an openai (OpenAI-compatible) provider"), e.getMessage());
      var local = new EmbeddingModelConfig("remote-e5", "local", "e5", 384, 512, Similarity.COSINE, 64, "query: ", "passage: ");
      assertEquals(384, c.embedder(local).info().dimension());
      assertEquals("query: ", c.embedder(local).info().queryPrefix());
    }
  }
}
