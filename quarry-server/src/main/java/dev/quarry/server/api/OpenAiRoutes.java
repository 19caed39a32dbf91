package dev.quarry.server.api;

import static dev.quarry.server.tenancy.TenantCollections.caller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatModelInfo;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ChatRole;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.FinishReason;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.core.chat.ToolCall;
import dev.quarry.core.chat.ToolChoice;
import dev.quarry.core.chat.ToolSpec;
import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.ModelException;
import dev.quarry.core.observe.ModelCall;
import dev.quarry.core.observe.StageObserver;
import dev.quarry.engine.Collection;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.schema.JsonSchemas;
import dev.quarry.runtime.Answer;
import dev.quarry.runtime.AnswerListener;
import dev.quarry.runtime.AnswerModel;
import dev.quarry.runtime.AnswerPipeline;
import dev.quarry.runtime.AnswerRequest;
import dev.quarry.runtime.AnswerSettings;
import dev.quarry.runtime.metering.CallContext;
import dev.quarry.runtime.retrieve.HybridRetriever;
import dev.quarry.runtime.retrieve.Source;
import dev.quarry.runtime.structured.OutputSchema;
import dev.quarry.runtime.structured.StructuredCall;
import dev.quarry.runtime.tools.ToolBox;
import dev.quarry.runtime.tools.ToolRun;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.error.Problem;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.server.http.Request;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.server.tools.TenantTools;
import dev.quarry.store.collection.CollectionRecord;
import dev.quarry.store.collection.CollectionStore;
import dev.quarry.store.key.ApiKey;
import dev.quarry.store.key.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;

/**
 * The OpenAI-compatible API: {@code GET /v1/models}, {@code POST /v1/chat/completions} and {@code
 * POST /v1/embeddings}, with Quarry's API keys as bearer tokens and OpenAI's error shape ({@code
 * {"error": {"message", "type", "param", "code"}}}). A tenant sees each configured model, proxied
 * with Quarry's accounting, and {@code rag/<collection>} for each of its collections: the last user
 * message answered by the answer pipeline, grounded in that collection, with citation markers in the
 * text and the citations in an extra {@code quarry} field of the message (extractive when no model
 * is configured).
 */
public final class OpenAiRoutes {

  /** The model-name prefix of a collection answered through the pipeline. */
  public static final String RAG = "rag/";
  static final String COMPLETIONS = "/v1/chat/completions";
  static final String MODELS = "/v1/models";
  static final String EMBEDDINGS = "/v1/embeddings";
  static final int MAX_INPUTS = 2048;

  /** Documentation only: the bodies are read leniently, as OpenAI's clients send more than Quarry uses. */
  record ChatCompletionBody(String model, List<ChatRoutes.ChatMessageBody> messages, Boolean stream,
      JsonNode streamOptions, Integer maxTokens, Integer maxCompletionTokens, Double temperature, String user,
      JsonNode responseFormat, Double maxCost,
      List<JsonNode> tools, JsonNode toolChoice, List<String> quarryTools) {}

  /** The most tools one request may declare. */
  static final int MAX_TOOLS = 128;

  record EmbeddingsBody(String model, JsonNode input, String encodingFormat) {}

  private final TenantCollections collections;
  private final AnswerSources sources;
  private final CollectionStore collectionStore;
  private final AnswerPipeline pipeline;
  private final MemoryRoutes memories;
  private final StageObserver stages;
  private final JsonCodec json;
  private final Clock clock;
  private final TenantTools tools;

  public OpenAiRoutes(TenantCollections collections, AnswerSources sources, CollectionStore collectionStore,
      AnswerPipeline pipeline, MemoryRoutes memories, StageObserver stages, JsonCodec json, Clock clock, TenantTools tools) {
    this.tools = tools;
    this.collections = collections;
    this.sources = sources;
    this.collectionStore = collectionStore;
    this.pipeline = pipeline;
    this.memories = memories;
    this.stages = stages;
    this.json = json;
    this.clock = clock;
  }

  public void register(Router router) {
    Access search = Access.scope(Scope.SEARCH);
    router.route("GET", MODELS, search,
        ApiDoc.op("listModels", "OpenAI-compatible: the models this key may use")
            .responds(200, "`object: list`, `data`: each configured model and route, and `rag/<collection>` for each collection "
                + "of the caller's tenant (`id`, `object: model`, `created`, `owned_by`)")
            .fails(401, "OpenAI's error shape: the API key is wrong, revoked or expired"),
        (r, k) -> Response.ok(models(caller(k))));
    router.route("POST", COMPLETIONS, search,
        ApiDoc.op("createChatCompletion", "OpenAI-compatible chat completions")
            .describe("`model`: a configured model or route (the call is proxied, with Quarry's retries, breakers, "
                + "fallbacks and accounting) or "
                + "`rag/<collection>` (the last user message answered from that collection with citations: markers "
                + "in the text, the citations and the retrieval's configuration `fingerprint` in `message.quarry`). `messages`, `stream`, "
                + "`stream_options.include_usage`, `max_tokens` (or `max_completion_tokens`), `temperature`, `user` "
                + "(the end user whose memories a `rag/` answer recalls), `response_format` (`json_schema` or "
                + "`json_object`: the content is JSON valid against the schema, checked before it is sent, streamed "
                + "as one chunk, after at most one repair; otherwise a 502 `invalid_model_output`), `max_cost` "
                + "(Quarry's: the most one model call may cost at the configured prices, its worst case counted; a "
                + "route skips models above it). "
                + "`tools` (OpenAI function tools) and "
                + "`tool_choice` pass through to a configured model, and the response carries its `tool_calls` "
                + "(streamed as `delta.tool_calls` chunks): the client runs its own tool loop, sending `tool` messages "
                + "back. `quarry_tools` (names: the built-ins `search` and `get_document`, or the tenant's registered "
                + "tools) runs the tool loop server-side instead: with `rag/<collection>` the default model searches "
                + "that collection, with a configured model `search` reads the collections the model names; the "
                + "answer's citations are in `message.quarry`. Other fields are ignored. Errors have OpenAI's shape; a stream that "
                + "fails after its first token ends with an error event (after a usage chunk with the partial usage "
                + "when `stream_options.include_usage`) and is not retried.")
            .jsonBody(ChatCompletionBody.class, "model", "messages")
            .responds(200, "`chat.completion` (or, streamed, `chat.completion.chunk` server-sent events ending with "
                + "`[DONE]`)")
            .fails(404, "model_not_found: no such model or collection")
            .fails(502, "invalid_model_output: the answer broke `response_format` also after a repair (`error.errors`)"),
        this::complete);
    router.route("POST", EMBEDDINGS, search,
        ApiDoc.op("createEmbeddings", "OpenAI-compatible embeddings")
            .describe("`model`: `rag/<collection>` or a collection's name (that collection's model), or an embedding "
                + "model id (e.g. the default). `input`: a string or a list of up to " + MAX_INPUTS + " strings. "
                + "`encoding_format`: `float` (default) or `base64`.")
            .jsonBody(EmbeddingsBody.class, "model", "input")
            .responds(200, "`object: list`, `data` (`object: embedding`, `index`, `embedding`), `model`, `usage`")
            .fails(404, "model_not_found: no such collection or embedding model"),
        this::embeddings);
    router.errorShape(OpenAiRoutes::error, MODELS, COMPLETIONS, EMBEDDINGS);
  }

  // ---- models -----------------------------------------------------------------------------------

  private Map<String, Object> models(ApiKey caller) {
    long created = 0;
    List<Map<String, Object>> data = new ArrayList<>();
    for (ChatModelInfo m : pipeline.models().list()) {
      if (!m.name().equals(LlmConfig.EXTRACTIVE)) {
        data.add(model(m.name(), created, m.provider()));
      }
    }
    for (CollectionRecord c : collectionStore.list(caller.tenant())) {
      data.add(model(RAG + c.key().name(), c.createdAt().getEpochSecond(), "quarry"));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("object", "list");
    out.put("data", data);
    return out;
  }

  private static Map<String, Object> model(String id, long created, String owner) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("object", "model");
    m.put("created", created);
    m.put("owned_by", owner);
    return m;
  }

  // ---- chat completions -------------------------------------------------------------------------

  private Response complete(Request r, Optional<ApiKey> key) throws IOException {
    ApiKey caller = caller(key);
    JsonNode b = r.body(JsonNode.class);
    if (b == null || !b.isObject()) {
      throw ApiException.invalidAt("", "the body must be a JSON object");
    }
    String model = text(b, "model").orElseThrow(() -> ApiException.invalidAt("/model", "model is required"));
    List<ChatMessage> messages = messages(b.get("messages"));
    OptionalInt maxTokens = maxTokens(b);
    OptionalDouble temperature = OptionalDouble.empty();
    JsonNode t = b.get("temperature");
    if (t != null && !t.isNull()) {
      if (!t.isNumber() || t.asDouble() < 0 || t.asDouble() > 2) {
        throw ApiException.invalidAt("/temperature", "temperature must be a number in 0..2");
      }
      temperature = OptionalDouble.of(t.asDouble());
    }
    boolean stream = b.path("stream").asBoolean(false);
    boolean usage = b.path("stream_options").path("include_usage").asBoolean(false);
    Optional<String> user = text(b, "user");
    if (user.isPresent() && !SessionRoutes.validUser(user.get())) {
      throw ApiException.invalidAt("/user", SessionRoutes.USER_RULE);
    }
    Optional<OutputSchema> format = ResponseFormatJson.read(b.get("response_format"));
    Optional<BigDecimal> maxCost = maxCost(b);
    Completion c = new Completion("chatcmpl-" + UUID.randomUUID(), clock.instant().getEpochSecond(), model);
    CallContext metered = new CallContext(caller.tenant(), Optional.of(caller.id()), Optional.empty(), model);
    AnswerSettings settings = pipeline.settings();
    Instant deadline = clock.instant().plus(settings.timeout());
    List<ToolSpec> declared = toolSpecs(b.get("tools"));
    Optional<ToolChoice> choice = toolChoice(b.get("tool_choice"), declared);
    List<String> serverTools = serverTools(b.get("quarry_tools"));
    if (!serverTools.isEmpty()) {
      if (!declared.isEmpty()) {
        throw ApiException.invalidAt("/quarry_tools", "send tools (run by the client) or quarry_tools (run by Quarry), "
            + "not both");
      }
      if (format.isPresent() || maxCost.isPresent()) {
        throw ApiException.invalidAt(format.isPresent() ? "/response_format" : "/max_cost", "quarry_tools cannot be "
            + "combined with response_format or max_cost: the tool loop answers in text with the named model");
      }
      return serverToolLoop(metered, c, caller, model, messages, serverTools, maxTokens, temperature, deadline, stream,
          usage);
    }
    if (model.startsWith(RAG)) {
      if (!declared.isEmpty()) {
        throw ApiException.invalidAt("/tools", "a rag/ model answers from its collection; to give it tools, use "
            + "quarry_tools");
      }
      ChatMessage last = messages.getLast();
      if (last.role() != ChatRole.USER || last.content().isBlank()) {
        throw ApiException.invalidAt("/messages/" + (messages.size() - 1), "the last message must be the user's "
            + "question, not blank");
      }
      AnswerRequest request = new AnswerRequest(last.content(), messages.subList(0, messages.size() - 1),
          List.of(source(caller, model.substring(RAG.length()))), settings.k(), Optional.empty(),
          pipeline.models().defaultModel(), maxTokens, temperature, deadline,
          user.map(u -> memories.of(caller.tenant(), u))).withMaxCost(maxCost).withResponseFormat(format);
      if (format.isPresent()) {
        ResponseFormatJson.requireHonouredBy(pipeline.models().resolve(request.model()).info());
      }
      if (stream) {
        return Response.streamed("text/event-stream", out -> metered.call(() -> {
          streamRag(c, request, usage, out);
          return null;
        }));
      }
      Answer a = metered.call(() -> pipeline.answer(request, AnswerListener.NONE));
      Map<String, Object> message = message(a.text());
      message.put("quarry", quarry(a, request));
      return Response.ok(c.whole(message, finish(a.finishReason()), a.usage()));
    }
    AnswerModel m = chatModel(model);
    if (!declared.isEmpty() && !m.info().lacking(Set.of(ModelCapability.TOOLS)).isEmpty()) {
      throw ApiException.invalidAt("/tools", "the model " + model + " is not configured with the tools capability");
    }
    ChatRequest request = new ChatRequest(messages, maxTokens, temperature, declared, Optional.empty(), deadline,
        choice, maxCost);
    if (format.isPresent()) {
      if (!declared.isEmpty()) {
        throw ApiException.invalidAt("/response_format", "response_format cannot be combined with tools: send one or "
            + "the other");
      }
      ResponseFormatJson.requireHonouredBy(m.info());
      if (stream) {
        return Response.streamed("text/event-stream", out -> metered.call(() -> {
          streamStructured(c, m, request, format.get(), usage, out);
          return null;
        }));
      }
      StructuredCall.Result json = metered.call(() -> structured(m, request, format.get()));
      Map<String, Object> message = message(json.json());
      message.put("quarry", Map.of("cost", m.price().cost(json.usage())));
      return Response.ok(c.whole(message, finish(json.response().finishReason()), json.usage()));
    }
    if (stream) {
      return Response.streamed("text/event-stream", out -> metered.call(() -> {
        streamProxied(c, m, request, usage, out);
        return null;
      }));
    }
    ChatResponse response = metered.call(() -> proxied(m, request, delta -> { }));
    Map<String, Object> message = message(response.text());
    if (!response.toolCalls().isEmpty()) {
      if (response.text().isEmpty()) {
        message.put("content", null);
      }
      message.put("tool_calls", toolCalls(response.toolCalls(), false));
    }
    message.put("quarry", Map.of("cost", m.price().cost(response.usage())));
    return Response.ok(c.whole(message, finish(response.finishReason()), response.usage()));
  }

  /** A proxied call, accounted like the pipeline's generations (GenAI metrics and span attributes). */
  private ChatResponse proxied(AnswerModel m, ChatRequest request, dev.quarry.core.chat.ChatStream stream) {
    ChatModel chat = m.chat().orElseThrow();
    long wall0 = System.nanoTime();
    ChatResponse response = null;
    TokenUsage partial = TokenUsage.NONE;
    try {
      response = chat.generate(request, stream);
      return response;
    } catch (ModelException e) {
      partial = e.partialUsage();
      throw e;
    } finally {
      long wall = System.nanoTime() - wall0;
      TokenUsage u = response == null ? partial : response.usage();
      stages.generation(new ModelCall("chat", m.name(), m.info().provider(),
          response == null ? m.info().upstreamModel() : response.upstreamModel(), u.inputTokens(), u.outputTokens(),
          response == null ? Optional.empty() : response.timeToFirstToken()), wall, StageObserver.CPU_UNKNOWN);
    }
  }

  /** A proxied call whose answer must satisfy {@code schema}: validated (and repaired once) before any of it is sent. */
  private StructuredCall.Result structured(AnswerModel m, ChatRequest request, OutputSchema schema) {
    return StructuredCall.call(request, schema, m.name(), r -> proxied(m, r, ChatStream.IGNORE));
  }

  private void streamStructured(Completion c, AnswerModel m, ChatRequest request, OutputSchema schema,
      boolean includeUsage, OutputStream out) throws IOException {
    Chunks chunks = new Chunks(c, out);
    try {
      chunks.delta(Map.of("role", "assistant", "content", ""), null);
      StructuredCall.Result json = structured(m, request, schema);
      chunks.delta(Map.of("content", json.json()), null);
      chunks.delta(Map.of(), finish(json.response().finishReason()));
      if (includeUsage) {
        chunks.usage(json.usage());
      }
      chunks.done();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (RuntimeException e) {
      chunks.error(Problem.of(e));
    }
  }

  private void streamRag(Completion c, AnswerRequest request, boolean includeUsage, OutputStream out) throws IOException {
    Chunks chunks = new Chunks(c, out);
    try {
      chunks.delta(Map.of("role", "assistant", "content", ""), null);
      Answer a = pipeline.answer(request, new AnswerListener() {
        @Override
        public void context(dev.quarry.runtime.assemble.Context context) {
          // the citations come with the last chunk, in its quarry field
        }

        @Override
        public void delta(String text) {
          chunks.delta(Map.of("content", text), null);
        }
      });
      chunks.delta(Map.of("quarry", quarry(a, request)), finish(a.finishReason()));
      if (includeUsage) {
        chunks.usage(a.usage());
      }
      chunks.done();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (RuntimeException e) {
      chunks.error(Problem.of(e));
    }
  }

  private void streamProxied(Completion c, AnswerModel m, ChatRequest request, boolean includeUsage, OutputStream out)
      throws IOException {
    Chunks chunks = new Chunks(c, out);
    try {
      chunks.delta(Map.of("role", "assistant", "content", ""), null);
      ChatResponse response = proxied(m, request, text -> chunks.delta(Map.of("content", text), null));
      for (Map<String, Object> call : toolCalls(response.toolCalls(), true)) {
        chunks.delta(Map.of("tool_calls", List.of(call)), null);
      }
      chunks.delta(Map.of(), finish(response.finishReason()));
      if (includeUsage) {
        chunks.usage(response.usage());
      }
      chunks.done();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (ModelException e) {
      if (includeUsage && e.isAfterFirstToken()) {
        chunks.usage(e.partialUsage());
      }
      chunks.error(Problem.of(e));
    } catch (RuntimeException e) {
      chunks.error(Problem.of(e));
    }
  }

  /** The collection {@code name} of the caller's tenant, searched as its defaults say; else model_not_found. */
  private Source source(ApiKey caller, String name) {
    TenantCollection tc;
    try {
      tc = new TenantCollection(caller.tenant(), name);
    } catch (RuntimeException e) {
      throw modelNotFound(RAG + name);
    }
    return sources.find(tc).orElseThrow(() -> modelNotFound(RAG + name));
  }

  private AnswerModel chatModel(String name) {
    if (name.equals(LlmConfig.EXTRACTIVE)) {
      throw modelNotFound(name);
    }
    try {
      return pipeline.models().resolve(name);
    } catch (dev.quarry.core.error.NotFoundException e) {
      throw modelNotFound(name);
    }
  }

  private static ApiException modelNotFound(String model) {
    return ApiException.notFound("The model '" + model + "' does not exist or you do not have access to it; "
        + "GET /v1/models lists them", Map.of("openai_code", "model_not_found", "param", "model"));
  }

  private static List<ChatMessage> messages(JsonNode node) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw ApiException.invalidAt("/messages", "messages must be a non-empty list");
    }
    List<ChatMessage> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode m = node.get(i);
      String at = "/messages/" + i;
      String role = m.path("role").asText("");
      ChatRole r = switch (role) {
        case "system", "developer" -> ChatRole.SYSTEM;
        case "user" -> ChatRole.USER;
        case "assistant" -> ChatRole.ASSISTANT;
        case "tool" -> ChatRole.TOOL;
        default -> throw ApiException.invalidAt(at + "/role", "role must be system, developer, user, assistant or "
            + "tool, got: '" + role + "'");
      };
      String content = content(m.get("content"), at + "/content");
      if (r == ChatRole.TOOL) {
        JsonNode id = m.get("tool_call_id");
        if (id == null || !id.isTextual() || id.textValue().isEmpty()) {
          throw ApiException.invalidAt(at + "/tool_call_id", "a tool message needs the tool_call_id it answers");
        }
        out.add(ChatMessage.toolResult(id.textValue(), content));
        continue;
      }
      List<ToolCall> calls = r == ChatRole.ASSISTANT ? assistantCalls(m.get("tool_calls"), at + "/tool_calls")
          : List.of();
      out.add(new ChatMessage(r, content, calls, Optional.empty()));
    }
    return out;
  }

  /** An assistant message's {@code tool_calls}: {@code id}, {@code function.name}, {@code function.arguments}. */
  private static List<ToolCall> assistantCalls(JsonNode calls, String at) {
    if (calls == null || calls.isNull()) {
      return List.of();
    }
    if (!calls.isArray()) {
      throw ApiException.invalidAt(at, "tool_calls must be a list");
    }
    List<ToolCall> out = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      JsonNode c = calls.get(i);
      JsonNode f = c.path("function");
      if (!c.path("id").isTextual() || !f.path("name").isTextual()) {
        throw ApiException.invalidAt(at + "/" + i, "a tool call needs id and function.name");
      }
      String arguments = f.path("arguments").isTextual() ? f.path("arguments").textValue() : "{}";
      out.add(new ToolCall(c.path("id").textValue(), f.path("name").textValue(), arguments));
    }
    return out;
  }

  /** The {@code tools} of a request: OpenAI function tools, each with a usable JSON Schema. */
  private static List<ToolSpec> toolSpecs(JsonNode tools) {
    if (tools == null || tools.isNull()) {
      return List.of();
    }
    if (!tools.isArray() || tools.size() > MAX_TOOLS) {
      throw ApiException.invalidAt("/tools", "tools must be a list of at most " + MAX_TOOLS + " function tools");
    }
    List<ToolSpec> out = new ArrayList<>();
    for (int i = 0; i < tools.size(); i++) {
      String at = "/tools/" + i;
      JsonNode t = tools.get(i);
      if (!t.path("type").asText().equals("function") || !t.path("function").isObject()) {
        throw ApiException.invalidAt(at, "only {\"type\": \"function\", \"function\": {...}} tools are taken");
      }
      JsonNode f = t.get("function");
      if (!f.path("name").isTextual()) {
        throw ApiException.invalidAt(at + "/function/name", "a function tool needs a name");
      }
      JsonNode parameters = f.has("parameters") ? f.get("parameters")
          : JsonNodeFactory.instance.objectNode().put("type", "object");
      try {
        JsonSchemas.compile(parameters, "tool " + f.get("name").textValue());
        out.add(new ToolSpec(f.get("name").textValue(), f.path("description").asText(""), parameters.toString()));
      } catch (IllegalArgumentException | InvalidInputException e) {
        throw ApiException.invalidAt(at + "/function", e.getMessage());
      }
    }
    return out;
  }

  /** {@code tool_choice}: {@code auto}, {@code none}, {@code required}, or a declared function by name. */
  private static Optional<ToolChoice> toolChoice(JsonNode c, List<ToolSpec> declared) {
    if (c == null || c.isNull()) {
      return Optional.empty();
    }
    ToolChoice choice;
    if (c.isTextual()) {
      choice = switch (c.textValue()) {
        case "auto" -> ToolChoice.AUTO;
        case "none" -> ToolChoice.NONE;
        case "required" -> ToolChoice.REQUIRED;
        default -> throw ApiException.invalidAt("/tool_choice", "tool_choice must be auto, none, required or a "
            + "function, got: '" + c.textValue() + "'");
      };
    } else {
      String name = c.path("function").path("name").asText("");
      if (!c.path("type").asText().equals("function") || declared.stream().noneMatch(t -> t.name().equals(name))) {
        throw ApiException.invalidAt("/tool_choice", "a function tool_choice must name one of the request's tools");
      }
      choice = ToolChoice.function(name);
    }
    if (declared.isEmpty() && choice.mode() != ToolChoice.Mode.NONE) {
      throw ApiException.invalidAt("/tool_choice", "tool_choice needs tools");
    }
    return Optional.of(choice);
  }

  private static List<String> serverTools(JsonNode names) {
    if (names == null || names.isNull()) {
      return List.of();
    }
    if (!names.isArray() || names.isEmpty() || names.size() > ChatRoutes.MAX_TOOLS) {
      throw ApiException.invalidAt("/quarry_tools", "quarry_tools must name 1.." + ChatRoutes.MAX_TOOLS + " tools");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (!names.get(i).isTextual()) {
        throw ApiException.invalidAt("/quarry_tools/" + i, "a tool name is required");
      }
      out.add(names.get(i).textValue());
    }
    return out;
  }

  /** The response's tool calls in OpenAI's shape; streamed ones carry their {@code index}. */
  private static List<Map<String, Object>> toolCalls(List<ToolCall> calls, boolean indexed) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      ToolCall call = calls.get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      if (indexed) {
        m.put("index", i);
      }
      m.put("id", call.id());
      m.put("type", "function");
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("name", call.name());
      f.put("arguments", call.arguments());
      m.put("function", f);
      out.add(m);
    }
    return out;
  }

  /**
   * {@code quarry_tools}: the tool loop run by Quarry, the answer with its citations in {@code
   * message.quarry}. A {@code rag/} model means the default model with that collection as {@code
   * search}'s default.
   */
  private Response serverToolLoop(CallContext metered, Completion c, ApiKey caller, String model, List<ChatMessage> messages,
      List<String> names, OptionalInt maxTokens, OptionalDouble temperature, Instant deadline, boolean stream,
      boolean includeUsage) {
    List<Source> defaults = List.of();
    AnswerModel m;
    if (model.startsWith(RAG)) {
      String name = model.substring(RAG.length());
      defaults = List.of(source(caller, name));
      m = pipeline.models().resolve(pipeline.models().defaultModel());
    } else {
      m = chatModel(model);
    }
    if (m.chat().isEmpty() || !m.info().lacking(Set.of(ModelCapability.TOOLS)).isEmpty()) {
      throw ApiException.invalidAt("/quarry_tools", "the model " + m.name() + " cannot call tools: configure a model "
          + "with the tools capability");
    }
    ToolBox box = tools.box(caller.tenant(), names, defaults, "/quarry_tools");
    AnswerModel chosen = m;
    if (stream) {
      return Response.streamed("text/event-stream", out -> {
        Chunks chunks = new Chunks(c, out);
        try {
          chunks.delta(Map.of("role", "assistant", "content", ""), null);
          ToolRun run = metered.call(() -> tools.loop().run(chosen, messages, box, maxTokens, temperature, deadline,
              text -> chunks.delta(Map.of("content", text), null)));
          chunks.delta(Map.of("quarry", toolQuarry(run, chosen)), finish(run.finishReason()));
          if (includeUsage) {
            chunks.usage(run.usage());
          }
          chunks.done();
        } catch (UncheckedIOException e) {
          throw e.getCause();
        } catch (RuntimeException e) {
          chunks.error(Problem.of(e));
        }
      });
    }
    ToolRun run = metered.call(() -> tools.loop().run(chosen, messages, box, maxTokens, temperature, deadline,
        ChatStream.IGNORE));
    Map<String, Object> message = message(run.text());
    message.put("quarry", toolQuarry(run, chosen));
    return Response.ok(c.whole(message, finish(run.finishReason()), run.usage()));
  }

  private static Map<String, Object> toolQuarry(ToolRun run, AnswerModel m) {
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("citations", run.citations().stream().map(AnswerJson::citation).toList());
    q.put("model", m.name());
    q.put("cost", m.price().cost(run.usage()));
    q.put("tool_calls", run.calls().stream().map(t -> Map.of("step", t.step(), "id", t.id(), "name", t.tool(),
        "outcome", t.outcome().wireName())).toList());
    q.put("degraded", run.degraded().stream().map(d -> Map.of("stage", d.stage(), "reason", d.reason(),
        "fallback", d.fallback())).toList());
    return q;
  }

  /** A message's content: a string, or a list of parts of which the {@code text} ones are joined. */
  private static String content(JsonNode c, String at) {
    if (c == null || c.isNull()) {
      return "";
    }
    if (c.isTextual()) {
      return c.textValue();
    }
    if (c.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : c) {
        if (!part.path("type").asText().equals("text") || !part.path("text").isTextual()) {
          throw ApiException.invalidAt(at, "only text content parts are taken here");
        }
        sb.append(part.get("text").textValue());
      }
      return sb.toString();
    }
    throw ApiException.invalidAt(at, "content must be a string or a list of text parts");
  }

  private static OptionalInt maxTokens(JsonNode b) {
    for (String field : List.of("max_completion_tokens", "max_tokens")) {
      JsonNode n = b.get(field);
      if (n != null && !n.isNull()) {
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > ChatRoutes.MAX_TOKENS) {
          throw ApiException.invalidAt("/" + field, field + " must be a whole number in 1.." + ChatRoutes.MAX_TOKENS);
        }
        return OptionalInt.of(n.asInt());
      }
    }
    return OptionalInt.empty();
  }

  private static Optional<BigDecimal> maxCost(JsonNode b) {
    JsonNode n = b.get("max_cost");
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isNumber() || n.decimalValue().signum() < 0) {
      throw ApiException.invalidAt("/max_cost", "max_cost must be a number of at least 0 (the prices' currency)");
    }
    return Optional.of(n.decimalValue());
  }

  private static Optional<String> text(JsonNode b, String field) {
    JsonNode n = b.get(field);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isTextual()) {
      throw ApiException.invalidAt("/" + field, field + " must be a string");
    }
    return Optional.of(n.textValue());
  }

  private static Map<String, Object> message(String content) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", "assistant");
    m.put("content", content);
    m.put("refusal", null);
    return m;
  }

  /**
   * What a {@code rag/} answer adds to the message: its citations, how it was made, and the
   * configuration fingerprint of its retrieval (as {@code /v1/chat} gives it).
   */
  private static Map<String, Object> quarry(Answer a, AnswerRequest request) {
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("citations", a.citations().stream().map(AnswerJson::citation).toList());
    q.put("model", a.model());
    q.put("cost", a.cost());
    q.put("degraded", AnswerJson.answer(a, Optional.empty()).get("degraded"));
    q.put("generations", a.generations());
    q.put("fingerprint", HybridRetriever.fingerprint(request.sources(), request.k()));
    return q;
  }

  private static String finish(FinishReason f) {
    return switch (f) {
      case STOP -> "stop";
      case LENGTH -> "length";
      case TOOL_CALLS -> "tool_calls";
      case CONTENT_FILTER -> "content_filter";
    };
  }

  private static Map<String, Object> usage(TokenUsage u) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("prompt_tokens", u.inputTokens());
    m.put("completion_tokens", u.outputTokens());
    m.put("total_tokens", u.inputTokens() + u.outputTokens());
    return m;
  }

  /** One completion's identity, shared by its whole response or all its chunks. */
  private record Completion(String id, long created, String model) {
    Map<String, Object> head(String object) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("object", object);
      m.put("created", created);
      m.put("model", model);
      return m;
    }

    Map<String, Object> whole(Map<String, Object> message, String finishReason, TokenUsage u) {
      Map<String, Object> out = head("chat.completion");
      Map<String, Object> choice = new LinkedHashMap<>();
      choice.put("index", 0);
      choice.put("message", message);
      choice.put("logprobs", null);
      choice.put("finish_reason", finishReason);
      out.put("choices", List.of(choice));
      out.put("usage", usage(u));
      return out;
    }
  }

  /** {@code chat.completion.chunk} events, each flushed as written, then {@code [DONE]}. */
  private final class Chunks {
    private final Completion c;
    private final OutputStream out;

    Chunks(Completion c, OutputStream out) {
      this.c = c;
      this.out = out;
    }

    void delta(Map<String, Object> delta, String finishReason) {
      Map<String, Object> chunk = c.head("chat.completion.chunk");
      Map<String, Object> choice = new LinkedHashMap<>();
      choice.put("index", 0);
      choice.put("delta", delta);
      choice.put("logprobs", null);
      choice.put("finish_reason", finishReason);
      chunk.put("choices", List.of(choice));
      send(json.write(chunk));
    }

    void usage(TokenUsage u) {
      Map<String, Object> chunk = c.head("chat.completion.chunk");
      chunk.put("choices", List.of());
      chunk.put("usage", OpenAiRoutes.usage(u));
      send(json.write(chunk));
    }

    void error(Problem p) {
      send(json.write(OpenAiRoutes.error(p)));
    }

    void done() {
      send("[DONE]".getBytes(StandardCharsets.UTF_8));
    }

    private void send(byte[] data) {
      try {
        out.write("data: ".getBytes(StandardCharsets.UTF_8));
        out.write(data);
        out.write("\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  // ---- embeddings -------------------------------------------------------------------------------

  private Response embeddings(Request r, Optional<ApiKey> key) throws IOException {
    ApiKey caller = caller(key);
    JsonNode b = r.body(JsonNode.class);
    if (b == null || !b.isObject()) {
      throw ApiException.invalidAt("", "the body must be a JSON object");
    }
    String model = text(b, "model").orElseThrow(() -> ApiException.invalidAt("/model", "model is required"));
    List<String> inputs = inputs(b.get("input"));
    String format = text(b, "encoding_format").orElse("float");
    if (!format.equals("float") && !format.equals("base64")) {
      throw ApiException.invalidAt("/encoding_format", "encoding_format must be float or base64, got: '" + format + "'");
    }
    Embedder embedder = embedder(caller, model);
    float[][] vectors = embedder.embed(inputs, InputKind.DOCUMENT);
    List<Map<String, Object>> data = new ArrayList<>();
    long tokens = 0;
    for (int i = 0; i < vectors.length; i++) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("object", "embedding");
      d.put("index", i);
      d.put("embedding", format.equals("base64") ? base64(vectors[i]) : vectors[i]);
      data.add(d);
      tokens += inputs.get(i).isBlank() ? 0 : inputs.get(i).strip().split("\\s+").length;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("object", "list");
    out.put("data", data);
    out.put("model", model);
    out.put("usage", Map.of("prompt_tokens", tokens, "total_tokens", tokens));
    return Response.ok(out);
  }

  /** {@code rag/<collection>} or a collection's name: its model; otherwise an embedding model id. */
  private Embedder embedder(ApiKey caller, String model) {
    String name = model.startsWith(RAG) ? model.substring(RAG.length()) : model;
    Optional<Collection> c;
    try {
      c = collections.engine().find(new TenantCollection(caller.tenant(), name).engineName());
    } catch (RuntimeException e) {
      c = Optional.empty();
    }
    if (c.isPresent()) {
      return c.get().embedder();
    }
    if (model.startsWith(RAG)) {
      throw modelNotFound(model);
    }
    try {
      return collections.engine().embedder(model);
    } catch (InvalidInputException e) {
      throw ApiException.notFound("The model '" + model + "' is neither a collection of yours nor an embedding "
          + "model: " + e.getMessage(), Map.of("openai_code", "model_not_found", "param", "model"));
    }
  }

  private static List<String> inputs(JsonNode input) {
    if (input == null || input.isNull()) {
      throw ApiException.invalidAt("/input", "input is required: a string or a list of strings");
    }
    if (input.isTextual()) {
      return List.of(input.textValue());
    }
    if (!input.isArray() || input.isEmpty() || input.size() > MAX_INPUTS) {
      throw ApiException.invalidAt("/input", "input must be a string or a list of 1.." + MAX_INPUTS + " strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < input.size(); i++) {
      if (!input.get(i).isTextual()) {
        throw ApiException.invalidAt("/input/" + i, "each input must be a string (token arrays are not taken)");
      }
      out.add(input.get(i).textValue());
    }
    return out;
  }

  private static String base64(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return Base64.getEncoder().encodeToString(b.array());
  }

  // ---- errors -----------------------------------------------------------------------------------

  /** A problem in OpenAI's error shape. */
  static Map<String, Object> error(Problem p) {
    String type = switch (p.status()) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 429 -> "rate_limit_error";
      default -> p.status() >= 500 ? "api_error" : "invalid_request_error";
    };
    Object param = p.details().get("param");
    if (param == null && p.details().get("pointer") instanceof String pointer && !pointer.isEmpty()) {
      param = pointer.substring(1).replace('/', '.');
    }
    if (param == null) {
      param = p.details().get("parameter");
    }
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("message", p.message());
    e.put("type", type);
    e.put("param", param);
    e.put("code", p.details().getOrDefault("openai_code", p.code()));
    if (p.details().containsKey("errors")) {
      e.put("errors", p.details().get("errors"));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("error", e);
    return out;
  }
}
