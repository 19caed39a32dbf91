package dev.quarry.llm.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.core.chat.FinishReason;
import dev.quarry.core.chat.TokenUsage;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * A scripted Anthropic Messages server: {@code POST /v1/messages}, a whole {@code message} or its
 * event stream ({@code message_start} with input usage, a {@code ping}, {@code content_block_start}
 * / {@code content_block_delta} ({@code text_delta}, {@code input_json_delta}) /
 * {@code content_block_stop} per block, {@code message_delta} with the stop reason and output usage,
 * {@code message_stop}). Errors use Anthropic's shape {@code {"type": "error", "error": {"type",
 * "message"}}}; a mid-stream error is an {@code error} event.
 */
public final class ScriptedAnthropicServer extends ScriptedServer {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ScriptedAnthropicServer() {
    super("scripted-anthropic");
  }

  public static ScriptedAnthropicServer start() {
    return new ScriptedAnthropicServer();
  }

  /** {@code http://127.0.0.1:<port>}: the provider adds {@code /v1/messages}. */
  @Override
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port());
  }

  @Override
  protected void respond(RecordedRequest request, ScriptedReply reply, Exchange ex) throws IOException {
    if (!request.method().equals("POST") || !request.path().equals("/v1/messages")) {
      ex.whole(404, "application/json", Map.of(), error("not_found_error", "Not found: " + request.path()));
      return;
    }
    ex.pause(reply.latency());
    if (reply.status() != 200) {
      String type = switch (reply.status()) {
        case 429 -> "rate_limit_error";
        case 400 -> "invalid_request_error";
        case 401 -> "authentication_error";
        case 529 -> "overloaded_error";
        default -> "api_error";
      };
      ex.whole(reply.status(), "application/json", reply.headers(),
          reply.body().orElseGet(() -> error(type, "scripted failure " + reply.status())));
      return;
    }
    if (request.streaming()) {
      stream(request, reply, ex);
    } else {
      whole(request, reply, ex);
    }
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
      ex.whole(200, "application/json", reply.headers(), "{\"id\": \"msg_scripted\", \"content\": [{\"type\": \"text\", ");
      return;
    }
    ObjectNode message = message(request, reply);
    ArrayNode content = message.putArray("content");
    if (!reply.tokens().isEmpty()) {
      content.addObject().put("type", "text").put("text", reply.joined());
    }
    for (ScriptedToolCall call : reply.toolCalls()) {
      content.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name())
          .set("input", JSON.readTree(call.arguments()));
    }
    message.put("stop_reason", stopReason(reply.finishReason()));
    message.putNull("stop_sequence");
    if (reply.sendUsage()) {
      TokenUsage u = reply.usageFor(request);
      message.set("usage", usage(u).put("output_tokens", u.outputTokens()));
    }
    ex.whole(200, "application/json", reply.headers(), message.toString());
  }

  private void stream(RecordedRequest request, ScriptedReply reply, Exchange ex) throws IOException {
    ex.startEvents(reply.headers());
    TokenUsage u = reply.usageFor(request);
    ObjectNode start = message(request, reply);
    start.putArray("content");
    start.putNull("stop_reason");
    start.putNull("stop_sequence");
    if (reply.sendUsage()) {
      start.set("usage", usage(u).put("output_tokens", 1));
    }
    ex.send(event("message_start", JSON.createObjectNode().put("type", "message_start").set("message", start)));
    ex.send(event("ping", JSON.createObjectNode().put("type", "ping")));
    int n = reply.tokens().size();
    int block = 0;
    if (n > 0 || reply.cutAfter().isPresent() || reply.malformedAfter().isPresent() || reply.errorAfter().isPresent()) {
      ObjectNode s = JSON.createObjectNode().put("type", "content_block_start").put("index", block);
      s.putObject("content_block").put("type", "text").put("text", "");
      ex.send(event("content_block_start", s));
    }
    for (int i = 0; i <= n; i++) {
      if (reply.cutAfter().isPresent() && reply.cutAfter().getAsInt() == i) {
        ex.cut();
        return;
      }
      if (reply.malformedAfter().isPresent() && reply.malformedAfter().getAsInt() == i) {
        ex.send("event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"index\": 0, \"delta\": {\"type\n\n");
      }
      if (reply.errorAfter().isPresent() && reply.errorAfter().getAsInt() == i) {
        ObjectNode e = JSON.createObjectNode().put("type", "error");
        e.putObject("error").put("type", "overloaded_error").put("message", "Overloaded");
        ex.send(event("error", e));
        ex.endEvents();
        return;
      }
      if (i == n) {
        break;
      }
      ex.pause(reply.pauseBefore(i));
      ObjectNode d = JSON.createObjectNode().put("type", "content_block_delta").put("index", block);
      d.putObject("delta").put("type", "text_delta").put("text", reply.tokens().get(i));
      ex.send(event("content_block_delta", d));
      ex.tokenSent();
    }
    if (n > 0) {
      ex.send(event("content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", block)));
      block++;
    }
    for (ScriptedToolCall call : reply.toolCalls()) {
      ObjectNode s = JSON.createObjectNode().put("type", "content_block_start").put("index", block);
      s.putObject("content_block").put("type", "tool_use").put("id", call.id()).put("name", call.name()).putObject("input");
      ex.send(event("content_block_start", s));
      String args = call.arguments();
      int half = args.length() / 2;
      for (String piece : new String[] {args.substring(0, half), args.substring(half)}) {
        ObjectNode d = JSON.createObjectNode().put("type", "content_block_delta").put("index", block);
        d.putObject("delta").put("type", "input_json_delta").put("partial_json", piece);
        ex.send(event("content_block_delta", d));
      }
      ex.send(event("content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", block)));
      block++;
    }
    ObjectNode delta = JSON.createObjectNode().put("type", "message_delta");
    delta.putObject("delta").put("stop_reason", stopReason(reply.finishReason())).putNull("stop_sequence");
    if (reply.sendUsage()) {
      delta.putObject("usage").put("output_tokens", u.outputTokens());
    }
    ex.send(event("message_delta", delta));
    ex.send(event("message_stop", JSON.createObjectNode().put("type", "message_stop")));
    ex.endEvents();
  }

  private static ObjectNode message(RecordedRequest request, ScriptedReply reply) {
    return JSON.createObjectNode().put("id", "msg_scripted").put("type", "message").put("role", "assistant")
        .put("model", reply.model().orElse(request.json().path("model").asText()));
  }

  private static ObjectNode usage(TokenUsage u) {
    return JSON.createObjectNode().put("input_tokens", u.inputTokens() - u.cachedTokens())
        .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", u.cachedTokens());
  }

  private static String event(String type, ObjectNode data) {
    return "event: " + type + "\ndata: " + data + "\n\n";
  }

  private static String stopReason(FinishReason f) {
    return switch (f) {
      case STOP -> "end_turn";
      case LENGTH -> "max_tokens";
      case TOOL_CALLS -> "tool_use";
      case CONTENT_FILTER -> "refusal";
    };
  }

  private static String error(String type, String message) {
    ObjectNode body = JSON.createObjectNode().put("type", "error");
    body.putObject("error").put("type", type).put("message", message);
    return body.toString();
  }
}
