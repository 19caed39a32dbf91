package dev.quarry.llm.openai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.error.ErrorCode;
import dev.quarry.core.error.ModelException;
import dev.quarry.llm.ModelCatalog;
import dev.quarry.llm.config.EmbeddingModelConfig;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiEmbedderTest {

  private ScriptedOpenAiServer server;
  private ModelCatalog catalog;

  @BeforeEach
  void start() {
    server = ScriptedOpenAiServer.start().embeddingDimension(16);
    var provider = new ProviderConfig("embeddings", ProviderKind.OPENAI, server.baseUrl(), Optional.of("EMBED_KEY"),
        Duration.ofSeconds(1));
    catalog = ModelCatalog.build(new LlmConfig(List.of(provider), List.of(), "extractive"),
        name -> name.equals("EMBED_KEY") ? Optional.of("sk-embed") : Optional.empty(), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    catalog.close();
    server.close();
  }

  Embedder embedder(int dimension, int batch) {
    return catalog.embedder(new EmbeddingModelConfig("remote-e5-small", "embeddings", "e5-small-v2", dimension, 512,
        Similarity.COSINE, batch, "query: ", "passage: "));
  }

  @Test
  void infoComesFromTheConfigurationNotTheNetwork() {
    var info = embedder(16, 4).info();
    assertEquals("remote-e5-small", info.id());
    assertEquals(16, info.dimension());
    assertEquals(Similarity.COSINE, info.similarity());
    assertTrue(server.requests().isEmpty());
  }

  @Test
  void embedsInBatchesInOrderWithTheKindsPrefix() {
    List<String> texts = IntStream.range(0, 10).mapToObj(i -> "passage number " + i).toList();
    float[][] vectors = embedder(16, 4).embed(texts, InputKind.DOCUMENT);
    assertEquals(10, vectors.length);
    for (int i = 0; i < texts.size(); i++) {
      assertArrayEquals(ScriptedOpenAiServer.vectorFor("passage: " + texts.get(i), 16), vectors[i], "vector " + i);
    }
    var requests = server.requests();
    assertEquals(List.of(4, 4, 2), requests.stream().map(r -> r.json().path("input").size()).toList());
    var first = requests.getFirst();
    assertEquals("/v1/embeddings", first.path());
    assertEquals(Optional.of("Bearer sk-embed"), first.header("Authorization"));
    assertEquals("e5-small-v2", first.json().path("model").asText());
    assertEquals("float", first.json().path("encoding_format").asText());

    float[][] query = embedder(16, 4).embed(List.of("what is hnsw"), InputKind.QUERY);
    assertArrayEquals(ScriptedOpenAiServer.vectorFor("query: what is hnsw", 16), query[0]);
    assertEquals(0, embedder(16, 4).embed(List.of(), InputKind.QUERY).length);
  }

  @Test
  void vectorsOfAnotherDimensionThanConfiguredAreRejected() {
    var e = assertThrows(ModelException.class, () -> embedder(384, 4).embed(List.of("x"), InputKind.QUERY));
    assertEquals(ErrorCode.UPSTREAM_REJECTED, e.code());
    assertTrue(e.getMessage().contains("expected vectors of dimension 384 (as configured), got 16"), e.getMessage());
  }

  @Test
  void upstreamFailuresMapAsForChat() {
    server.enqueue(ScriptedReply.rateLimited("3"), ScriptedReply.status(503), ScriptedReply.status(400),
        ScriptedReply.text().malformedAfter(0));
    Embedder embedder = embedder(16, 4);
    var limited = assertThrows(ModelException.class, () -> embedder.embed(List.of("x"), InputKind.QUERY));
    assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, limited.code());
    assertEquals(Optional.of(Duration.ofSeconds(3)), limited.retryAfter());
    var down = assertThrows(ModelException.class, () -> embedder.embed(List.of("x"), InputKind.QUERY));
    assertEquals(OptionalInt.of(503), down.upstreamStatus());
    assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, down.code());
    assertEquals(ErrorCode.UPSTREAM_REJECTED,
        assertThrows(ModelException.class, () -> embedder.embed(List.of("x"), InputKind.QUERY)).code());
    var broken = assertThrows(ModelException.class, () -> embedder.embed(List.of("x"), InputKind.QUERY));
    assertEquals(ErrorCode.UPSTREAM_REJECTED, broken.code());
    assertTrue(broken.getMessage().contains("not JSON"), broken.getMessage());
  }

  @Test
  void aSlowUpstreamFailsWithinTheProvidersTimeout() {
    server.enqueue(ScriptedReply.text().withLatency(Duration.ofSeconds(4)));
    long t0 = System.nanoTime();
    var e = assertThrows(ModelException.class, () -> embedder(16, 4).embed(List.of("x"), InputKind.QUERY));
    assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, e.code());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 950 && ms < 3000, "took " + ms + " ms");
    assertTrue(e.getMessage().contains("timeout of 1000ms"), e.getMessage());
  }
}
