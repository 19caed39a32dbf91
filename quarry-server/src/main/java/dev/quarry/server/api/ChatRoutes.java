package dev.quarry.server.api;

import static dev.quarry.server.tenancy.TenantCollections.caller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatRole;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.index.Filter;
import dev.quarry.runtime.Answer;
import dev.quarry.runtime.AnswerListener;
import dev.quarry.runtime.AnswerModel;
import dev.quarry.runtime.AnswerPipeline;
import dev.quarry.runtime.AnswerRequest;
import dev.quarry.runtime.AnswerSettings;
import dev.quarry.runtime.assemble.Context;
import dev.quarry.runtime.retrieve.HybridRetriever;
import dev.quarry.runtime.metering.CallContext;
import dev.quarry.runtime.retrieve.Source;
import dev.quarry.runtime.structured.OutputSchema;
import dev.quarry.runtime.tools.ToolBox;
import dev.quarry.runtime.tools.ToolCallRecord;
import dev.quarry.runtime.tools.ToolRun;
import dev.quarry.server.ServerConfig;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.error.Problem;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.server.http.Request;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tools.TenantTools;
import dev.quarry.store.key.ApiKey;
import dev.quarry.store.key.Scope;
import dev.quarry.store.session.NewTurn;
import dev.quarry.store.session.Session;
import dev.quarry.store.session.SessionPolicy;
import dev.quarry.store.session.SessionStore;
import dev.quarry.store.tenant.TenantId;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code POST /v1/chat}: a grounded answer with citations from collections of the caller's tenant.
 * The route parses and checks the request; the answer pipeline ({@code quarry-runtime}) does the work.
 */
public final class ChatRoutes {

  /** One message, OpenAI-style. */
  record ChatMessageBody(String role, String content) {}

  record ChatBody(List<ChatMessageBody> messages, String message, String sessionId, String user,
      List<String> collections, Integer k, JsonNode filter, String model, Boolean stream, Integer maxTokens,
      Double temperature, Long timeoutMs, JsonNode responseFormat, Double maxCost,
      List<String> tools) {}

  /** The most tools one request may offer. */
  static final int MAX_TOOLS = 32;

  /** The most collections one request may answer from. */
  static final int MAX_COLLECTIONS = 16;
  static final int MAX_MESSAGES = 256;
  static final int MAX_TOKENS = 1_000_000;

  private final AnswerSources answerSources;
  private final AnswerPipeline pipeline;
  private final ServerConfig.Limits limits;
  private final JsonCodec json;
  private final FilterJson filters;
  private final Clock clock;
  private final SessionStore sessions;
  private final SessionRoutes sessionFinder;
  private final SessionPolicy sessionPolicy;
  private final MemoryRoutes memories;
  private final TenantTools tools;

  public ChatRoutes(AnswerSources answerSources, AnswerPipeline pipeline, ServerConfig.Limits limits, JsonCodec json,
      Clock clock, SessionStore sessions, SessionPolicy sessionPolicy, MemoryRoutes memories, TenantTools tools) {
    this.memories = memories;
    this.tools = tools;
    this.sessions = sessions;
    this.sessionFinder = new SessionRoutes(sessions);
    this.sessionPolicy = sessionPolicy;
    this.answerSources = answerSources;
    this.pipeline = pipeline;
    this.limits = limits;
    this.json = json;
    this.filters = new FilterJson(limits.maxFilterDepth());
    this.clock = clock;
  }

  public void register(Router router) {
    router.route("POST", "/v1/chat", Access.scope(Scope.SEARCH),
        ApiDoc.op("chat", "Answer a question from collections, with citations")
            .describe("`messages` (OpenAI-style roles; the last is the user's question) or `message` (one string). "
                + "`collections`: one or more of the caller's tenant. `k` passages are retrieved (default from "
                + "`answer.k`); `filter` as for search. `model` is a configured model, a route or `extractive` (default "
                + "`llm.default_model`). `max_cost` caps what one model call may cost at the configured prices (its "
                + "worst case, prompt plus `max_tokens`, counted): a route skips the models above it, and a request "
                + "no model can serve is refused (400, naming why each model was skipped). `timeout_ms` bounds the whole request (at most `answer.max_timeout`): when "
                + "it runs out the answer is extractive and `degraded` names the stage. With `stream: true` the "
                + "answer comes as server-sent events: `citations` (the numbered passages, once retrieved), "
                + "`delta` (`text`), then `done` (the whole response) or `error`. Every answer is a turn of a session: "
                + "without `session_id` a new one is created (of `user`, when given) and its id returned; with it, "
                + "that session of the same `user` is continued, its turns entering the prompt before `messages` "
                + "under `answer.history_tokens`. With `user`, that user's memories most like the question are "
                + "given to the model as their own block and cited like passages (`collection` null, `document_id` "
                + "the memory's id). `response_format` (OpenAI's shape: `json_schema` with `name`, `schema` (JSON Schema "
                + "draft 2020-12), `strict`; or `json_object`) makes `answer` JSON valid against the schema, checked "
                + "before it is sent (streamed: in one `delta`), after at most one repair; otherwise a 502 "
                + "`invalid_model_output` with `details.errors`. Citation markers inside JSON strings are kept and "
                + "listed in `citations`; there is no extractive fallback. "
                + "With `tools` (names: the built-ins `search` and `get_document`, or the tenant's "
                + "registered tools, `GET /v1/tools`) the model answers through a tool loop instead: it decides what to "
                + "search or call (arguments checked against each tool's JSON Schema; `search` reads `collections` unless "
                + "the model names others of the tenant), passages it read are cited, `tool_calls` lists every call "
                + "(`step`, `id`, `name`, `outcome`, `latency_ms`, `error`), and `tools.max_steps` and the deadline "
                + "bound it. The model must be configured with the `tools` capability.")
            .jsonBody(ChatBody.class, "collections")
            .responds(200, "`answer` with markers such as [1], `citations` (`id`, `collection`, `document_id`, "
                + "`chunk`, `start`, `end`, `quote`), `session_id`, `model`, `usage` (`input_tokens`, "
                + "`output_tokens`, `cost`), `timings` (milliseconds per stage), `degraded` (`stage`, `reason`, "
                + "`fallback`), `generations` (index generation per collection); or, streamed, "
                + "`text/event-stream`")
            .fails(404, "not_found: a collection, the model, or the session (of this user) does not exist")
            .fails(502, "invalid_model_output: the answer broke `response_format` also after a repair (`details.errors`: "
                + "`pointer`, `message`)"),
        this::chat);
  }

  private Response chat(Request r, Optional<ApiKey> key) throws IOException {
    ChatBody b = r.body(ChatBody.class);
    ApiKey caller = caller(key);
    List<ChatMessage> messages = messages(b);
    ChatMessage question = messages.getLast();
    List<ChatMessage> history = new ArrayList<>(messages.subList(0, messages.size() - 1));
    Optional<String> user = Optional.ofNullable(b.user());
    if (user.isPresent() && !SessionRoutes.validUser(user.get())) {
      throw ApiException.invalidAt("/user", SessionRoutes.USER_RULE);
    }
    if (b.sessionId() != null && b.sessionId().isBlank()) {
      throw ApiException.invalidAt("/session_id", "session_id must not be blank; leave it out to start a session");
    }
    List<Source> sources = sources(b, caller);
    AnswerSettings settings = pipeline.settings();
    int k = b.k() == null ? settings.k() : b.k();
    int maxK = Math.min(limits.maxK(), AnswerSettings.MAX_K);
    if (k < 1 || k > maxK) {
      throw ApiException.invalidAt("/k", "k must be in 1.." + maxK + ", got: " + k);
    }
    Optional<Filter> filter = b.filter() == null || b.filter().isNull()
        ? Optional.empty() : Optional.of(filters.read(b.filter(), "/filter"));
    String model = b.model() == null ? pipeline.models().defaultModel() : b.model();
    Optional<OutputSchema> format = ResponseFormatJson.read(b.responseFormat());
    if (format.isPresent()) {
      ResponseFormatJson.requireHonouredBy(pipeline.models().resolve(model).info());
    } else {
      pipeline.models().resolve(model);
    }
    if (b.maxTokens() != null && (b.maxTokens() < 1 || b.maxTokens() > MAX_TOKENS)) {
      throw ApiException.invalidAt("/max_tokens", "max_tokens must be in 1.." + MAX_TOKENS + ", got: " + b.maxTokens());
    }
    if (b.temperature() != null && !(b.temperature() >= 0 && b.temperature() <= 2)) {
      throw ApiException.invalidAt("/temperature", "temperature must be in 0..2, got: " + b.temperature());
    }
    long maxMs = settings.maxTimeout().toMillis();
    if (b.timeoutMs() != null && (b.timeoutMs() < 1 || b.timeoutMs() > maxMs)) {
      throw ApiException.invalidAt("/timeout_ms", "timeout_ms must be in 1.." + maxMs + ", got: " + b.timeoutMs());
    }
    Duration timeout = b.timeoutMs() == null ? settings.timeout() : Duration.ofMillis(b.timeoutMs());
    if (b.maxCost() != null && !(b.maxCost() >= 0 && Double.isFinite(b.maxCost()))) {
      throw ApiException.invalidAt("/max_cost", "max_cost must be a number of at least 0, got: " + b.maxCost());
    }
    if (b.tools() != null && format.isPresent()) {
      throw ApiException.invalidAt("/response_format", "response_format cannot be combined with tools: the tool loop "
          + "answers in text; send one or the other");
    }
    if (b.tools() != null && b.maxCost() != null) {
      throw ApiException.invalidAt("/max_cost", "max_cost cannot be combined with tools: the tool loop calls the "
          + "named model directly, not through a route; send one or the other");
    }
    ChatSession session;
    if (b.sessionId() == null) {
      session = new ChatSession(caller.tenant(), sessions.newId(), user, true);
    } else {
      Session found = sessionFinder.find(caller.tenant(), b.sessionId(), user);
      session = new ChatSession(found.tenant(), found.id(), found.user(), false);
      history.addAll(0, SessionRoutes.history(sessions.turns(caller.tenant(), found.id())));
    }
    if (b.tools() != null) {
      return toolAnswer(r, b, caller, sources, history, question, model, timeout, session);
    }
    AnswerRequest request = new AnswerRequest(question.content(), history, sources, k, filter, model,
        b.maxTokens() == null ? OptionalInt.empty() : OptionalInt.of(b.maxTokens()),
        b.temperature() == null ? OptionalDouble.empty() : OptionalDouble.of(b.temperature()),
        clock.instant().plus(timeout), user.map(u -> memories.of(caller.tenant(), u)))
        .withMaxCost(Optional.ofNullable(b.maxCost()).map(BigDecimal::valueOf)).withResponseFormat(format);
    CallContext metered = new CallContext(caller.tenant(), Optional.of(caller.id()), Optional.of(session.id()), model);
    if (Boolean.TRUE.equals(b.stream())) {
      if (r.header("Idempotency-Key").isPresent()) {
        throw ApiException.invalidAt("/stream", "a streamed answer cannot be replayed: send it without Idempotency-Key");
      }
      return Response.streamed("text/event-stream", out -> metered.call(() -> {
        stream(request, session, r.requestId(), out);
        return null;
      }));
    }
    Answer a = metered.call(() -> pipeline.answer(request, AnswerListener.NONE));
    save(session, SessionRoutes.turn(question.content(), a));
    Map<String, Object> body = AnswerJson.answer(a, Optional.of(session.id()));
    body.put("fingerprint", HybridRetriever.fingerprint(request.sources(), request.k()));
    return Response.ok(body);
  }

  /** An answer through the tool loop: the model with the named tools, the passages it read cited. */
  private Response toolAnswer(Request r, ChatBody b, ApiKey caller, List<Source> sources, List<ChatMessage> history,
      ChatMessage question, String modelName, Duration timeout, ChatSession session) {
    if (b.tools().isEmpty() || b.tools().size() > MAX_TOOLS) {
      throw ApiException.invalidAt("/tools", "tools must name 1.." + MAX_TOOLS + " tools");
    }
    AnswerModel model = pipeline.models().resolve(modelName);
    if (model.chat().isEmpty() || !model.info().lacking(Set.of(ModelCapability.TOOLS)).isEmpty()) {
      throw ApiException.invalidAt(b.model() == null ? "/tools" : "/model", "the model " + modelName
          + " cannot call tools: configure a model with the tools capability and name it in model");
    }
    for (int i = 0; i < b.tools().size(); i++) {
      if (b.tools().get(i) == null) {
        throw ApiException.invalidAt("/tools/" + i, "a tool name is required");
      }
    }
    ToolBox box = tools.box(caller.tenant(), b.tools(), sources, "/tools");
    CallContext metered = new CallContext(caller.tenant(), Optional.of(caller.id()), Optional.of(session.id()),
        modelName);
    List<ChatMessage> conversation = new ArrayList<>(history);
    conversation.add(question);
    OptionalInt maxTokens = b.maxTokens() == null ? OptionalInt.empty() : OptionalInt.of(b.maxTokens());
    OptionalDouble temperature = b.temperature() == null ? OptionalDouble.empty() : OptionalDouble.of(b.temperature());
    Instant deadline = clock.instant().plus(timeout);
    if (Boolean.TRUE.equals(b.stream())) {
      if (r.header("Idempotency-Key").isPresent()) {
        throw ApiException.invalidAt("/stream", "a streamed answer cannot be replayed: send it without Idempotency-Key");
      }
      return Response.streamed("text/event-stream", out -> {
        Events events = new Events(out);
        try {
          Map<String, Object> done = toolTurn(metered, model, conversation, box, maxTokens, temperature, deadline, question,
              session, text -> events.send("delta", Map.of("text", text)));
          done.put("request_id", r.requestId());
          events.send("done", done);
        } catch (UncheckedIOException e) {
          throw e.getCause();
        } catch (RuntimeException e) {
          events.error(e, r.requestId());
        }
      });
    }
    return Response.ok(toolTurn(metered, model, conversation, box, maxTokens, temperature, deadline, question, session,
        ChatStream.IGNORE));
  }

  private Map<String, Object> toolTurn(CallContext metered, AnswerModel model, List<ChatMessage> conversation,
      ToolBox box, OptionalInt maxTokens, OptionalDouble temperature, Instant deadline, ChatMessage question,
      ChatSession session, ChatStream stream) {
    long t0 = System.nanoTime();
    ToolRun run = metered.call(() -> tools.loop().run(model, conversation, box, maxTokens, temperature, deadline,
        stream));
    Answer a = new Answer(run.text(), run.citations(), run.context(), question.content(), model.name(),
        run.finishReason(), run.usage(), model.price().cost(run.usage()),
        Map.of("tools", Duration.ofNanos(System.nanoTime() - t0)), run.degraded(), Map.of());
    save(session, SessionRoutes.turn(question.content(), a));
    Map<String, Object> out = AnswerJson.answer(a, Optional.of(session.id()));
    List<Map<String, Object>> calls = new ArrayList<>();
    for (ToolCallRecord c : run.calls()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("step", c.step());
      m.put("id", c.id());
      m.put("name", c.tool());
      m.put("outcome", c.outcome().wireName());
      m.put("latency_ms", c.latency().toNanos() / 1e6);
      m.put("error", c.error().isEmpty() ? null : c.error());
      calls.add(m);
    }
    out.put("tool_calls", calls);
    return out;
  }

  /** {@code messages} or {@code message}, checked: known roles, text content, a user message last. */
  private static List<ChatMessage> messages(ChatBody b) {
    if ((b.messages() == null) == (b.message() == null)) {
      throw ApiException.invalidAt("", "send either messages (a list) or message (one string), not "
          + (b.messages() == null ? "neither" : "both"));
    }
    if (b.message() != null) {
      if (b.message().isBlank()) {
        throw ApiException.invalidAt("/message", "the message must not be blank");
      }
      return List.of(ChatMessage.user(b.message()));
    }
    if (b.messages().isEmpty() || b.messages().size() > MAX_MESSAGES) {
      throw ApiException.invalidAt("/messages", "messages must hold 1.." + MAX_MESSAGES + " messages, got "
          + b.messages().size());
    }
    List<ChatMessage> out = new ArrayList<>();
    for (int i = 0; i < b.messages().size(); i++) {
      ChatMessageBody m = b.messages().get(i);
      if (m == null) {
        throw ApiException.invalidAt("/messages/" + i, "a message must be an object with role and content");
      }
      ChatRole role;
      try {
        role = ChatRole.fromWire(m.role() == null ? "" : m.role());
      } catch (IllegalArgumentException e) {
        throw ApiException.invalidAt("/messages/" + i + "/role", e.getMessage());
      }
      if (role == ChatRole.TOOL) {
        throw ApiException.invalidAt("/messages/" + i + "/role", "tool messages are not taken here");
      }
      if (m.content() == null) {
        throw ApiException.invalidAt("/messages/" + i + "/content", "content is required");
      }
      out.add(new ChatMessage(role, m.content(), List.of(), Optional.empty()));
    }
    ChatMessage last = out.getLast();
    if (last.role() != ChatRole.USER || last.content().isBlank()) {
      throw ApiException.invalidAt("/messages/" + (out.size() - 1),
          "the last message must be the user's question, not blank");
    }
    return out;
  }

  private List<Source> sources(ChatBody b, ApiKey caller) {
    if (b.collections() == null || b.collections().isEmpty() || b.collections().size() > MAX_COLLECTIONS) {
      throw ApiException.invalidAt("/collections", "collections must name 1.." + MAX_COLLECTIONS
          + " collections of your tenant");
    }
    List<Source> out = new ArrayList<>();
    int i = 0;
    for (String name : new LinkedHashSet<>(b.collections())) {
      TenantCollection c;
      try {
        c = new TenantCollection(caller.tenant(), name);
      } catch (RuntimeException e) {
        throw ApiException.invalidAt("/collections/" + i, e.getMessage());
      }
      out.add(answerSources.existing(c));
      i++;
    }
    return out;
  }

  /**
   * The streamed answer: {@code citations} once the context is assembled, {@code delta}s, then
   * {@code done}; a failure after the headers went out is an {@code error} event. A client that goes
   * away makes the next write fail, which cancels the model call (see {@link AnswerListener}).
   */
  private void stream(AnswerRequest request, ChatSession session, String requestId, OutputStream out)
      throws IOException {
    Events events = new Events(out);
    try {
      Answer a = pipeline.answer(request, new AnswerListener() {
        @Override
        public void context(Context context) {
          events.send("citations", Map.of("passages", AnswerJson.passages(context)));
        }

        @Override
        public void delta(String text) {
          events.send("delta", Map.of("text", text));
        }
      });
      save(session, SessionRoutes.turn(request.question(), a));
      Map<String, Object> done = AnswerJson.answer(a, Optional.of(session.id()));
      done.put("request_id", requestId);
      done.put("fingerprint", HybridRetriever.fingerprint(request.sources(), request.k()));
      events.send("done", done);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (RuntimeException e) {
      events.error(e, requestId);
    }
  }

  /**
   * The session a chat's turn goes to: one being continued, or a new one ({@code fresh}) whose id
   * is made before the answer (the ledger and the {@code done} event name it) and which is written
   * with its first turn only after the answer, in one transaction ({@link SessionStore#start}): one
   * store write per chat instead of two, none before the first token, and a failed answer leaves no
   * empty session behind.
   */
  private record ChatSession(TenantId tenant, String id, Optional<String> user, boolean fresh) {}

  /** Writes a chat's turn: starts the new session with it, or appends it to the continued one. */
  private void save(ChatSession session, NewTurn turn) {
    if (session.fresh()) {
      sessions.start(session.tenant(), session.id(), session.user(), turn, sessionPolicy);
    } else {
      sessions.append(session.tenant(), session.id(), turn, sessionPolicy);
    }
  }

  /** Server-sent events on one response, each flushed as it is written. */
  private final class Events {
    private final OutputStream out;

    Events(OutputStream out) {
      this.out = out;
    }

    void error(RuntimeException e, String requestId) {
      Problem p = Problem.of(e);
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("code", p.code());
      error.put("message", p.message());
      error.put("retryable", p.retryable());
      if (p.details().containsKey("errors")) {
        error.put("errors", p.details().get("errors"));
      }
      error.put("request_id", requestId);
      send("error", error);
    }

    void send(String event, Map<String, Object> data) {
      try {
        out.write(("event: " + event + "\ndata: ").getBytes(StandardCharsets.UTF_8));
        out.write(json.write(data));
        out.write("\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
