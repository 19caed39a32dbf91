package dev.quarry.embed.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

class OnnxEmbedderConfigTest {

  @Test
  void defaultsUseTheDefaultModel() {
    OnnxEmbedderConfig config = OnnxEmbedderConfig.defaults();
    assertEquals("bge-small-en-v1.5-q", config.modelId());
    assertEquals(Math.min(Runtime.getRuntime().availableProcessors(), 4), config.sessions());
    assertEquals(1, config.intraOpThreads());
    assertEquals(1, config.batchSize());
  }

  @Test
  void unknownModelIsRejected() {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> new OnnxEmbedderConfig("e5-large", 1, 1, 8));
    assertTrue(e.getMessage().startsWith("unknown embedding model 'e5-large'; known models: "), e.getMessage());
  }

  @Test
  void outOfRangeSettingsAreRejectedWithTheRule() {
    assertEquals(
        "embedder sessions must be in 1..64, got: 0",
        assertThrows(IllegalArgumentException.class, () -> OnnxEmbedderConfig.defaults().withSessions(0)).getMessage());
    assertEquals(
        "embedder intraOpThreads must be in 1..64, got: 65",
        assertThrows(IllegalArgumentException.class, () -> OnnxEmbedderConfig.defaults().withIntraOpThreads(65)).getMessage());
    assertEquals(
        "embedder batchSize must be in 1..1024, got: 0",
        assertThrows(IllegalArgumentException.class, () -> OnnxEmbedderConfig.defaults().withBatchSize(0)).getMessage());
  }
}
