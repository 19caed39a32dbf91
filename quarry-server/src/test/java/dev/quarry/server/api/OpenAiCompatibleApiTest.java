package dev.quarry.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.ModelConfig;
import dev.quarry.llm.config.Price;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.config.ProviderKind;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import dev.quarry.runtime.AnswerSettings;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import dev.quarry.server.config.RuntimeConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OpenAI-compatible API driven by the official OpenAI Java client ({@code com.openai:openai-java})
 * over real HTTP: models, {@code rag/<collection>} answers with citations (extractive), a configured
 * model proxied to a scripted upstream, streaming with usage, embeddings, and OpenAI's errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiCompatibleApiTest {

  static final String CERTS = "Cluster certificates expire after one year. Rotate them with kubeadm certs renew before "
      + "they lapse. The renewal restarts the control plane components.";

  static final ObjectMapper JSON = new ObjectMapper();

  ScriptedOpenAiServer upstream;
  TestApi api;
  String key;
  OpenAIClient client;

  @BeforeAll
  void start() throws Exception {
    upstream = ScriptedOpenAiServer.start();
    LlmConfig llm = new LlmConfig(
        List.of(new ProviderConfig("up", ProviderKind.OPENAI, upstream.baseUrl(), Optional.empty(), Duration.ofSeconds(5))),
        List.of(new ModelConfig("small", "up", "llama-3.1-8b-instruct", 8192, new Price(BigDecimal.ONE, BigDecimal.TEN),
            Set.of(ModelCapability.STREAMING))), LlmConfig.EXTRACTIVE);
    api = TestApi.start(c -> c.withRuntime(new RuntimeConfig(llm, AnswerSettings.DEFAULT)));
    key = api.tenantKey("acme", "ingest", "search");
    assertEquals(201, api.json("PUT", "/v1/collections/ops", key, "{}").status());
    Reply r = api.json("PUT", "/v1/collections/ops/documents/certs", key, "{\"text\":\"" + CERTS + "\"}");
    assertEquals(200, r.status(), r.body().toString());
    client = client(key);
  }

  private OpenAIClient client(String apiKey) {
    return OpenAIOkHttpClient.builder().apiKey(apiKey).baseUrl("http://127.0.0.1:" + api.port() + "/v1")
        .maxRetries(0).build();
  }

  @AfterAll
  void stop() throws Exception {
    client.close();
    api.close();
    upstream.close();
  }

  @Test
  void theModelsAreTheConfiguredOnesAndOneRagModelPerCollectionOfTheTenant() throws Exception {
    String rival = api.tenantKey("rival", "ingest", "search");
    assertEquals(201, api.json("PUT", "/v1/collections/secrets", rival, "{}").status());
    List<String> ids = client.models().list().data().stream().map(Model::id).toList();
    assertEquals(List.of("small", "rag/ops"), ids);
    OpenAIClient other = client(rival);
    assertEquals(List.of("small", "rag/secrets"), other.models().list().data().stream().map(Model::id).toList());
    other.close();
  }

  @Test
  @SuppressWarnings("deprecation") // _additionalProperties() is how the client exposes fields it does not model
  void aRagModelAnswersExtractivelyWithMarkersAndTheCitationsInTheQuarryField() throws Exception {
    ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("rag/ops").addUserMessage("When do cluster certificates expire?").build());
    String text = c.choices().get(0).message().content().orElseThrow();
    assertTrue(text.startsWith("Cluster certificates expire after one year. [1]"), text);
    JsonValue quarry = c.choices().get(0).message()._additionalProperties().get("quarry");
    JsonNode q = JSON.valueToTree(quarry.convert(Object.class));
    JsonNode citation = q.get("citations").get(0);
    assertEquals("ops", citation.get("collection").asText());
    assertEquals("certs", citation.get("document_id").asText());
    assertEquals(CERTS.substring(citation.get("start").asInt(), citation.get("end").asInt()),
        citation.get("quote").asText());
    assertEquals("extractive", q.get("model").asText());
    assertTrue(c.usage().orElseThrow().promptTokens() > 0);
  }

  @Test
  @SuppressWarnings("deprecation") // _additionalProperties() is how the client exposes fields it does not model
  void aRagModelStreamsChunksAndUsageWhenAsked() throws Exception {
    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("rag/ops").addUserMessage("When do cluster certificates expire?")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      s.stream().forEach(chunk -> {
        chunks.add(chunk);
        chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
      });
    }
    assertTrue(text.toString().startsWith("Cluster certificates expire after one year. [1]"), text.toString());
    ChatCompletionChunk last = chunks.getLast();
    assertTrue(last.choices().isEmpty());
    assertTrue(last.usage().orElseThrow().completionTokens() > 0);
    ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
    assertEquals("stop", finish.choices().get(0).finishReason().orElseThrow().asString());
    assertTrue(finish.choices().get(0).delta()._additionalProperties().containsKey("quarry"));
  }

  @Test
  @SuppressWarnings("deprecation") // _additionalProperties() is how the client exposes fields it does not model
  void aRagAnswerCarriesTheRetrievalFingerprintThatChatGivesStreamedOrNot() throws Exception {
    Reply chat = api.json("POST", "/v1/chat", key, "{\"message\":\"When do cluster certificates expire?\","
        + "\"collections\":[\"ops\"]}");
    assertEquals(200, chat.status(), chat.body().toString());
    String expected = chat.body().get("fingerprint").asText();
    assertTrue(expected.matches("q1-[0-9a-f]{16}"), expected);
    String body = "{\"model\":\"rag/ops\",\"messages\":[{\"role\":\"user\",\"content\":\"When do cluster "
        + "certificates expire?\"}]";
    Reply whole = api.json("POST", "/v1/chat/completions", key, body + "}");
    assertEquals(200, whole.status(), whole.body().toString());
    assertEquals(expected, whole.body().at("/choices/0/message/quarry/fingerprint").asText(), whole.body().toString());
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> st = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("rag/ops").addUserMessage("When do cluster certificates expire?")
            .build())) {
      st.stream().forEach(chunks::add);
    }
    JsonValue quarry = chunks.getLast().choices().get(0).delta()._additionalProperties().get("quarry");
    assertEquals(expected, JSON.valueToTree(quarry.convert(Object.class)).get("fingerprint").asText());
    // a proxied completion retrieves nothing, so it names no retrieval configuration
    upstream.enqueue(ScriptedReply.text("hello"));
    Reply proxied = api.json("POST", "/v1/chat/completions", key,
        "{\"model\":\"small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertEquals(200, proxied.status(), proxied.body().toString());
    assertTrue(proxied.body().at("/choices/0/message/quarry/fingerprint").isMissingNode(), proxied.body().toString());
  }

  @Test
  void aConfiguredModelIsProxiedWithItsUsageStreamingOrNot() throws Exception {
    upstream.enqueue(ScriptedReply.text("Hello", " there.").withUsage(12, 3, 0));
    ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("small").addSystemMessage("Be brief.").addUserMessage("Say hello").maxCompletionTokens(20).build());
    assertEquals("Hello there.", c.choices().get(0).message().content().orElseThrow());
    assertEquals(12, c.usage().orElseThrow().promptTokens());
    assertEquals(3, c.usage().orElseThrow().completionTokens());
    JsonNode sent = upstream.lastRequest().json();
    assertEquals("llama-3.1-8b-instruct", sent.get("model").asText());
    assertEquals("Be brief.", sent.get("messages").get(0).get("content").asText());
    assertEquals(20, sent.get("max_tokens").asInt());

    upstream.enqueue(ScriptedReply.text("Hel", "lo", " again.").withUsage(10, 3, 0));
    StringBuilder text = new StringBuilder();
    long[] usage = {-1};
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("small").addUserMessage("Say hello")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      s.stream().forEach(chunk -> {
        chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
        chunk.usage().ifPresent(u -> usage[0] = u.totalTokens());
      });
    }
    assertEquals("Hello again.", text.toString());
    assertEquals(13, usage[0]);
    assertTrue(api.metrics().contains("gen_ai"), "the proxied calls are accounted in the GenAI metrics");
  }

  @Test
  void embeddingsComeFromACollectionsModelOrTheDefaultOne() throws Exception {
    CreateEmbeddingResponse e = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("rag/ops").input(EmbeddingCreateParams.Input.ofArrayOfStrings(List.of("certificates", "autoscaler")))
        .build());
    assertEquals(2, e.data().size());
    List<Float> first = e.data().get(0).embedding();
    assertTrue(first.size() > 10);
    assertFalse(first.equals(e.data().get(1).embedding()));
    CreateEmbeddingResponse same = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("ops").input("certificates").build());
    assertEquals(first, same.data().get(0).embedding());
  }

  @Test
  void anUnknownModelIsA404ModelNotFoundAndABadKeyA401InOpenAisShape() throws Exception {
    NotFoundException missing = assertThrows(NotFoundException.class, () -> client.chat().completions().create(
        ChatCompletionCreateParams.builder().model("rag/nope").addUserMessage("hi").build()));
    assertEquals(404, missing.statusCode());
    assertEquals(Optional.of("model_not_found"), missing.code());
    NotFoundException missingModel = assertThrows(NotFoundException.class, () -> client.chat().completions().create(
        ChatCompletionCreateParams.builder().model("gpt-9").addUserMessage("hi").build()));
    assertEquals(Optional.of("model_not_found"), missingModel.code());
    assertThrows(NotFoundException.class, () -> client.embeddings().create(EmbeddingCreateParams.builder()
        .model("rag/nope").input("x").build()));

    OpenAIClient wrong = client("qk_wrong");
    UnauthorizedException denied = assertThrows(UnauthorizedException.class, () -> wrong.models().list());
    assertEquals(401, denied.statusCode());
    wrong.close();

    Reply raw = api.json("POST", "/v1/chat/completions", key, "{\"model\":\"rag/ops\",\"messages\":[]}");
    assertEquals(400, raw.status());
    JsonNode error = raw.body().get("error");
    assertEquals("invalid_request_error", error.get("type").asText());
    assertEquals("messages", error.get("param").asText());
    assertEquals("invalid_input", error.get("code").asText());
    assertTrue(error.get("message").asText().contains("messages"), error.toString());
  }
}
