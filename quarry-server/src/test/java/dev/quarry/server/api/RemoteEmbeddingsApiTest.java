package dev.quarry.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.embed.Similarity;
import dev.quarry.llm.config.EmbeddingModelConfig;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.config.ResilienceConfig;
import dev.quarry.llm.testing.RecordedRequest;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.runtime.AnswerSettings;
import dev.quarry.server.ServerConfig;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import dev.quarry.server.config.RuntimeConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A collection whose model is a remote OpenAI-compatible {@code /v1/embeddings} endpoint (a
 * scripted server on loopback, whose vectors are seeded by the text): created by its id, recorded
 * in the manifest, used to ingest and to search, and refused like a local model on a mismatch.
 */
class RemoteEmbeddingsApiTest {

  static final String REMOTE = "remote-e5";
  static final String CERTS = "Cluster certificates expire after one year.";
  static final String SCALING = "The autoscaler adds replicas when the load rises.";

  ScriptedOpenAiServer upstream;
  TestApi api;
  String key;

  @BeforeEach
  void start() throws Exception {
    upstream = ScriptedOpenAiServer.start().embeddingDimension(16);
    api = TestApi.start(c -> withRemote(c, 16));
    key = api.tenantKey("acme", "ingest", "search");
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
    upstream.close();
  }

  private ServerConfig withRemote(ServerConfig c, int dimension) {
    LlmConfig llm = new LlmConfig(
        List.of(new ProviderConfig("emb", ProviderKind.OPENAI, upstream.baseUrl(), Optional.empty(), Duration.ofSeconds(5))),
        List.of(), List.of(), LlmConfig.EXTRACTIVE, ResilienceConfig.DEFAULT,
        List.of(new EmbeddingModelConfig(REMOTE, "emb", "e5-small-v2", dimension, 512, Similarity.COSINE, 8, "", "")));
    return c.withRuntime(new RuntimeConfig(llm, AnswerSettings.DEFAULT));
  }

  private List<RecordedRequest> embeddingCalls() {
    return upstream.requests().stream().filter(r -> r.path().equals("/v1/embeddings")).toList();
  }

  @Test
  void aCollectionCreatedWithTheRemoteModelIngestsAndSearchesThroughTheEndpoint() throws Exception {
    Reply created = api.json("PUT", "/v1/collections/notes", key, "{\"model\":\"" + REMOTE + "\"}");
    assertEquals(201, created.status(), created.body().toString());
    assertEquals(REMOTE, api.json("GET", "/v1/collections/notes", key, null).body().get("model").asText());

    for (String[] doc : new String[][] {{"certs", CERTS}, {"scaling", SCALING}}) {
      Reply r = api.json("PUT", "/v1/collections/notes/documents/" + doc[0], key, "{\"text\":\"" + doc[1] + "\"}");
      assertEquals(200, r.status(), r.body().toString());
    }
    List<RecordedRequest> ingested = embeddingCalls();
    assertTrue(ingested.stream().anyMatch(r -> r.json().path("input").toString().contains(CERTS)), "passages embedded "
        + "upstream: " + ingested);
    assertEquals("e5-small-v2", ingested.getFirst().json().path("model").asText());

    // the scripted vectors are seeded by the text: a query equal to a passage gets that passage's vector
    assertEquals(List.of("scaling", "certs"), api.search(key, "notes", "{\"query\":\"" + SCALING + "\",\"mode\":\"vector\"}"));
    assertEquals("certs", api.search(key, "notes", "{\"query\":\"" + CERTS + "\",\"mode\":\"vector\"}").getFirst());
    RecordedRequest query = embeddingCalls().getLast();
    assertEquals(CERTS, query.json().path("input").get(0).asText());

    JsonNode chat = api.json("POST", "/v1/chat", key, "{\"message\":\"" + CERTS + "\",\"collections\":[\"notes\"]}").body();
    assertEquals("certs", chat.path("citations").get(0).path("document_id").asText(), chat.toString());
  }

  @Test
  void aMismatchIsRefusedAsForLocalModels() throws Exception {
    assertEquals(201, api.json("PUT", "/v1/collections/notes", key, "{\"model\":\"" + REMOTE + "\"}").status());
    assertEquals(200, api.json("PUT", "/v1/collections/notes/documents/certs", key, "{\"text\":\"" + CERTS + "\"}")
        .status());

    Reply other = api.json("PUT", "/v1/collections/notes", key, "{\"model\":\"bge-small-en-v1.5-q\"}");
    assertEquals(409, other.status(), other.body().toString());
    assertTrue(other.body().toString().contains("was built with model " + REMOTE), other.body().toString());

    Reply unknown = api.json("PUT", "/v1/collections/other", key, "{\"model\":\"remote-e6\"}");
    assertEquals(400, unknown.status(), unknown.body().toString());
    assertTrue(unknown.body().toString().contains(REMOTE), "the error lists the remote model: " + unknown.body());

    // the same id with another dimension: the index built with 16-d vectors refuses it
    api.restart(c -> withRemote(c, 8));
    Reply reopened = api.json("GET", "/v1/collections/notes", key, null);
    assertEquals(409, reopened.status(), reopened.body().toString());
    assertTrue(reopened.body().toString().contains("index expects 16-d"), reopened.body().toString());
  }
}
