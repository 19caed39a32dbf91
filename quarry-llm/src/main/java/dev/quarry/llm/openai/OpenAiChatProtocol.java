package dev.quarry.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.FinishReason;
import dev.quarry.core.chat.ResponseFormat;
import dev.quarry.core.chat.ToolCall;
import dev.quarry.core.chat.ToolSpec;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.llm.wire.ChatProtocol;
import dev.quarry.llm.wire.Generation;
import dev.quarry.llm.wire.SseEvent;
import dev.quarry.llm.wire.SseReader;
import dev.quarry.llm.wire.UpstreamFailures;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.Optional;

/**
 * OpenAI-compatible Chat Completions ({@code POST {base_url}/chat/completions}), the protocol of
 * OpenAI, vLLM, Ollama, llama.cpp's server and LiteLLM. A streamed answer is a series of
 * {@code data:} chunks ending with {@code data: [DONE]}; usage comes in a last chunk with no choices,
 * asked for with {@code stream_options.include_usage}. Tool calls stream as pieces keyed by index.
 */
public final class OpenAiChatProtocol implements ChatProtocol {

  static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String path() {
    return "/chat/completions";
  }

  @Override
  public void headers(HttpRequest.Builder request, Optional<String> apiKey) {
    apiKey.ifPresent(key -> request.header("Authorization", "Bearer " + key));
  }

  @Override
  public String body(ChatRequest request, String upstreamModel, boolean stream) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", upstreamModel);
    ArrayNode messages = body.putArray("messages");
    for (ChatMessage m : request.messages()) {
      ObjectNode message = messages.addObject();
      message.put("role", m.role().wireName());
      if (m.content().isEmpty() && !m.toolCalls().isEmpty()) {
        message.putNull("content");
      } else {
        message.put("content", m.content());
      }
      if (!m.toolCalls().isEmpty()) {
        ArrayNode calls = message.putArray("tool_calls");
        for (ToolCall call : m.toolCalls()) {
          ObjectNode c = calls.addObject();
          c.put("id", call.id());
          c.put("type", "function");
          c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
        }
      }
      m.toolCallId().ifPresent(id -> message.put("tool_call_id", id));
    }
    request.maxTokens().ifPresent(n -> body.put("max_tokens", n));
    request.temperature().ifPresent(t -> body.put("temperature", t));
    if (!request.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolSpec tool : request.tools()) {
        ObjectNode function = tools.addObject().put("type", "function").putObject("function");
        function.put("name", tool.name());
        function.put("description", tool.description());
        function.set("parameters", schema(tool.parametersSchema(), "tool " + tool.name()));
      }
      request.toolChoice().ifPresent(choice -> {
        switch (choice.mode()) {
          case AUTO -> body.put("tool_choice", "auto");
          case NONE -> body.put("tool_choice", "none");
          case REQUIRED -> body.put("tool_choice", "required");
          case FUNCTION -> body.putObject("tool_choice").put("type", "function").putObject("function")
              .put("name", choice.function().orElseThrow());
        }
      });
    }
    request.responseFormat().ifPresent(format -> body.set("response_format", responseFormat(format)));
    body.put("stream", stream);
    if (stream) {
      body.putObject("stream_options").put("include_usage", true);
    }
    return body.toString();
  }

  private static ObjectNode responseFormat(ResponseFormat format) {
    if (format.type() == ResponseFormat.Type.JSON_OBJECT) {
      return JSON.createObjectNode().put("type", "json_object");
    }
    ObjectNode node = JSON.createObjectNode().put("type", "json_schema");
    ObjectNode schema = node.putObject("json_schema");
    schema.put("name", format.name());
    schema.set("schema", schema(format.schema(), "response_format " + format.name()));
    schema.put("strict", format.strict());
    return node;
  }

  /** A JSON Schema given as text, parsed; text that is not a JSON object is the caller's mistake. */
  static JsonNode schema(String json, String owner) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (IOException e) {
      // reported below
    }
    throw new InvalidInputException("the schema of " + owner + " must be a JSON object, got: "
        + (json.length() > 200 ? json.substring(0, 200) + "..." : json));
  }

  @Override
  public ChatResponse readWhole(String model, String json, Generation generation) {
    JsonNode root = UpstreamFailures.parse(model, json, "the completion");
    JsonNode choice = root.path("choices").path(0);
    if (!choice.isObject()) {
      throw UpstreamFailures.malformed(model, "the completion has no choices", null);
    }
    JsonNode message = choice.path("message");
    JsonNode calls = message.path("tool_calls");
    for (int i = 0; i < calls.size(); i++) {
      JsonNode call = calls.get(i);
      generation.toolCalls().start(i, call.path("id").asText(""), call.path("function").path("name").asText(""));
      generation.toolCalls().setArguments(i, call.path("function").path("arguments").asText(""));
    }
    generation.text(message.path("content").asText(""));
    usage(root.path("usage"), generation);
    return new ChatResponse(generation.text(), generation.toolCalls().toolCalls(model),
        finishReason(choice.path("finish_reason").asText("stop")), generation.usage(),
        root.path("model").asText(""), Optional.empty());
  }

  @Override
  public ChatResponse readStream(String model, SseReader events, Generation generation) {
    String upstreamModel = "";
    String finish = null;
    while (true) {
      Optional<SseEvent> next = events.next();
      if (next.isEmpty()) {
        if (finish == null) {
          throw UpstreamFailures.cut(model, "data: [DONE]");
        }
        break;
      }
      String data = next.get().data().strip();
      if (data.equals("[DONE]")) {
        break;
      }
      JsonNode chunk = UpstreamFailures.parse(model, data, "a streamed chunk");
      if (chunk.has("error")) {
        throw UpstreamFailures.streamError(model, chunk.path("error").path("message").asText(chunk.path("error").toString()));
      }
      upstreamModel = chunk.path("model").asText(upstreamModel);
      JsonNode choice = chunk.path("choices").path(0);
      if (choice.isObject()) {
        JsonNode delta = choice.path("delta");
        JsonNode calls = delta.path("tool_calls");
        for (JsonNode call : calls) {
          int index = call.path("index").asInt(0);
          generation.markFirstToken();
          generation.toolCalls().start(index, call.path("id").asText(""), call.path("function").path("name").asText(""));
          generation.toolCalls().appendArguments(index, call.path("function").path("arguments").asText(""));
        }
        generation.text(delta.path("content").asText(""));
        if (choice.hasNonNull("finish_reason")) {
          finish = choice.path("finish_reason").asText();
        }
      }
      usage(chunk.path("usage"), generation);
    }
    return new ChatResponse(generation.text(), generation.toolCalls().toolCalls(model),
        finishReason(finish == null ? "stop" : finish), generation.usage(), upstreamModel, generation.timeToFirstToken());
  }

  private static void usage(JsonNode usage, Generation generation) {
    if (!usage.isObject()) {
      return;
    }
    if (usage.path("prompt_tokens").canConvertToLong()) {
      generation.reportInput(usage.path("prompt_tokens").asLong(),
          usage.path("prompt_tokens_details").path("cached_tokens").asLong(0));
    }
    if (usage.path("completion_tokens").canConvertToLong()) {
      generation.reportOutput(usage.path("completion_tokens").asLong());
    }
  }

  /** OpenAI's finish reasons; {@code function_call} is the older name of {@code tool_calls}, anything else a stop. */
  static FinishReason finishReason(String wire) {
    return switch (wire) {
      case "length" -> FinishReason.LENGTH;
      case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
      case "content_filter" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.STOP;
    };
  }
}
