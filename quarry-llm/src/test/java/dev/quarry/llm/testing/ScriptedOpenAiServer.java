package dev.quarry.llm.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.core.chat.FinishReason;
import dev.quarry.core.chat.TokenUsage;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Random;

/**
 * A scripted OpenAI-compatible server: {@code POST /v1/chat/completions} (a whole
 * {@code chat.completion}, or {@code chat.completion.chunk}s as {@code data:} events ending with
 * {@code data: [DONE]}, usage in a last chunk with no choices when
 * {@code stream_options.include_usage} asks for it, tool calls streamed as pieces keyed by index) and
 * {@code POST /v1/embeddings} (deterministic unit vectors of {@link #embeddingDimension(int)}).
 * Errors use OpenAI's shape {@code {"error": {"message", "type", "code"}}}.
 */
public final class ScriptedOpenAiServer extends ScriptedServer {

  private static final ObjectMapper JSON = new ObjectMapper();
  private volatile int dimension = 8;

  private ScriptedOpenAiServer() {
    super("scripted-openai");
  }

  public static ScriptedOpenAiServer start() {
    return new ScriptedOpenAiServer();
  }

  /** {@code http://127.0.0.1:<port>/v1}. */
  @Override
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port() + "/v1");
  }

  /** The dimension of the vectors {@code /v1/embeddings} returns (8 at first). */
  public ScriptedOpenAiServer embeddingDimension(int d) {
    dimension = d;
    return this;
  }

  /** The vector the server returns for {@code text}: seeded by the text, unit length. */
  public static float[] vectorFor(String text, int dimension) {
    Random random = new Random(text.hashCode());
    float[] v = new float[dimension];
    double norm = 0;
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < dimension; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  @Override
  protected void respond(RecordedRequest request, ScriptedReply reply, Exchange ex) throws IOException {
    boolean chat = request.path().equals("/v1/chat/completions");
    boolean embeddings = request.path().equals("/v1/embeddings");
    if (!request.method().equals("POST") || !(chat || embeddings)) {
      ex.whole(404, "application/json", Map.of(), error("Unknown request URL: " + request.method() + " " + request.path(),
          "invalid_request_error", "unknown_url"));
      return;
    }
    ex.pause(reply.latency());
    if (reply.status() != 200) {
      ex.whole(reply.status(), "application/json", reply.headers(), reply.body().orElseGet(() ->
          error("scripted failure " + reply.status(), reply.status() == 429 ? "rate_limit_error" : "server_error",
              String.valueOf(reply.status()))));
      return;
    }
    if (embeddings) {
      embeddings(request, reply, ex);
    } else if (request.streaming()) {
      stream(request, reply, ex);
    } else {
      whole(request, reply, ex);
    }
  }

  private void embeddings(RecordedRequest request, ScriptedReply reply, Exchange ex) throws IOException {
    if (reply.malformedAfter().isPresent()) {
      ex.whole(200, "application/json", reply.headers(), "{\"object\": \"list\", \"data\": [{\"embedding\": [0.1,");
      return;
    }
    ObjectNode body = JSON.createObjectNode().put("object", "list");
    ArrayNode data = body.putArray("data");
    int i = 0;
    long words = 0;
    for (var input : request.json().path("input")) {
      ObjectNode item = data.addObject().put("object", "embedding").put("index", i++);
      ArrayNode v = item.putArray("embedding");
      for (float x : vectorFor(input.asText(), dimension)) {
        v.add(x);
      }
      words += input.asText().isBlank() ? 0 : input.asText().trim().split("\\s+").length;
    }
    body.put("model", request.json().path("model").asText());
    body.putObject("usage").put("prompt_tokens", words).put("total_tokens", words);
    ex.whole(200, "application/json", reply.headers(), body.toString());
  }

  private void whole(RecordedRequest request, ScriptedReply reply, Exchange ex) throws IOException {
    if (reply.cutAfter().isPresent()) {
      ex.cut();
      return;
    }
    ex.pause(reply.firstToken());
    for (int i = 1; i < reply.tokens().size(); i++) {
      ex.pause(reply.pauseBefore(i));
    }
    if (reply.malformedAfter().isPresent()) {
      ex.whole(200, "application/json", reply.headers(), "{\"id\": \"chatcmpl-scripted\", \"choices\": [{\"message\": ");
      return;
    }
    ObjectNode body = head(model(request, reply), "chat.completion");
    ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    if (reply.tokens().isEmpty() && !reply.toolCalls().isEmpty()) {
      message.putNull("content");
    } else {
      message.put("content", reply.joined());
    }
    if (!reply.toolCalls().isEmpty()) {
      ArrayNode calls = message.putArray("tool_calls");
      for (ScriptedToolCall call : reply.toolCalls()) {
        calls.addObject().put("id", call.id()).put("type", "function")
            .putObject("function").put("name", call.name()).put("arguments", call.arguments());
      }
    }
    choice.put("finish_reason", finish(reply.finishReason()));
    if (reply.sendUsage()) {
      body.set("usage", usage(reply.usageFor(request)));
    }
    ex.whole(200, "application/json", reply.headers(), body.toString());
  }

  private void stream(RecordedRequest request, ScriptedReply reply, Exchange ex) throws IOException {
    ex.startEvents(reply.headers());
    // the request (the whole prompt) is parsed once, not for every chunk
    String model = model(request, reply);
    ObjectNode first = chunk(model);
    first.putArray("choices").addObject().put("index", 0).putNull("finish_reason")
        .putObject("delta").put("role", "assistant").put("content", "");
    ex.send(data(first.toString()));
    int n = reply.tokens().size();
    for (int i = 0; i <= n; i++) {
      if (reply.cutAfter().isPresent() && reply.cutAfter().getAsInt() == i) {
        ex.cut();
        return;
      }
      if (reply.malformedAfter().isPresent() && reply.malformedAfter().getAsInt() == i) {
        ex.send(data("{\"id\": \"chatcmpl-scripted\", \"choices\": [{\"delta\": {\"content\": \"x"));
      }
      if (reply.errorAfter().isPresent() && reply.errorAfter().getAsInt() == i) {
        ex.send(data(error("scripted mid-stream failure", "server_error", "overloaded")));
        ex.send(data("[DONE]"));
        ex.endEvents();
        return;
      }
      if (i == n) {
        break;
      }
      ex.pause(reply.pauseBefore(i));
      ObjectNode c = chunk(model);
      c.putArray("choices").addObject().put("index", 0).putNull("finish_reason")
          .putObject("delta").put("content", reply.tokens().get(i));
      ex.send(data(c.toString()));
      ex.tokenSent();
    }
    for (int i = 0; i < reply.toolCalls().size(); i++) {
      ScriptedToolCall call = reply.toolCalls().get(i);
      String args = call.arguments();
      int half = args.length() / 2;
      ObjectNode start = chunk(model);
      ObjectNode delta = start.putArray("choices").addObject().put("index", 0).putNull("finish_reason").putObject("delta");
      delta.putArray("tool_calls").addObject().put("index", i).put("id", call.id()).put("type", "function")
          .putObject("function").put("name", call.name()).put("arguments", args.substring(0, half));
      ex.send(data(start.toString()));
      ObjectNode rest = chunk(model);
      rest.putArray("choices").addObject().put("index", 0).putNull("finish_reason").putObject("delta")
          .putArray("tool_calls").addObject().put("index", i).putObject("function").put("arguments", args.substring(half));
      ex.send(data(rest.toString()));
    }
    ObjectNode last = chunk(model);
    last.putArray("choices").addObject().put("index", 0).put("finish_reason", finish(reply.finishReason())).putObject("delta");
    ex.send(data(last.toString()));
    if (reply.sendUsage() && request.json().path("stream_options").path("include_usage").asBoolean(false)) {
      ObjectNode usage = chunk(model);
      usage.putArray("choices");
      usage.set("usage", usage(reply.usageFor(request)));
      ex.send(data(usage.toString()));
    }
    ex.send(data("[DONE]"));
    ex.endEvents();
  }

  /** The model a response names: the reply's, or else the one the request asked for. */
  private static String model(RecordedRequest request, ScriptedReply reply) {
    return reply.model().orElse(request.json().path("model").asText());
  }

  private static ObjectNode head(String model, String object) {
    return JSON.createObjectNode().put("id", "chatcmpl-scripted").put("object", object).put("created", 1_700_000_000L)
        .put("model", model);
  }

  private static ObjectNode chunk(String model) {
    return head(model, "chat.completion.chunk");
  }

  private static ObjectNode usage(TokenUsage u) {
    ObjectNode usage = JSON.createObjectNode().put("prompt_tokens", u.inputTokens())
        .put("completion_tokens", u.outputTokens()).put("total_tokens", u.inputTokens() + u.outputTokens());
    usage.putObject("prompt_tokens_details").put("cached_tokens", u.cachedTokens());
    return usage;
  }

  private static String data(String json) {
    return "data: " + json + "\n\n";
  }

  private static String finish(FinishReason f) {
    return switch (f) {
      case STOP -> "stop";
      case LENGTH -> "length";
      case TOOL_CALLS -> "tool_calls";
      case CONTENT_FILTER -> "content_filter";
    };
  }

  private static String error(String message, String type, String code) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("message", message).put("type", type).put("code", code);
    return body.toString();
  }
}
