package dev.quarry.llm.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ChatRole;
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
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Anthropic Messages ({@code POST {base_url}/v1/messages}, {@code x-api-key},
 * {@code anthropic-version}). System messages become the top-level {@code system} field; an
 * assistant's tool calls are {@code tool_use} blocks and tool results {@code tool_result} blocks of
 * a user turn (consecutive results share one turn). {@code max_tokens} is required by the protocol:
 * {@value #DEFAULT_MAX_TOKENS} when the request sets none. A JSON Schema response format goes out as
 * {@code output_config.format} (Anthropic's structured outputs); {@code json_object} has no native
 * form and is left to the prompt. A stream is a series of typed events: {@code message_start} (input
 * usage), {@code content_block_start/delta/stop}, {@code message_delta} (stop reason, output usage),
 * {@code message_stop}, {@code ping}, {@code error}.
 */
public final class AnthropicChatProtocol implements ChatProtocol {

  /** The API version sent in {@code anthropic-version}. */
  public static final String VERSION = "2023-06-01";
  static final int DEFAULT_MAX_TOKENS = 4096;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String path() {
    return "/v1/messages";
  }

  @Override
  public void headers(HttpRequest.Builder request, Optional<String> apiKey) {
    apiKey.ifPresent(key -> request.header("x-api-key", key));
    request.header("anthropic-version", VERSION);
  }

  @Override
  public String body(ChatRequest request, String upstreamModel, boolean stream) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", upstreamModel);
    body.put("max_tokens", request.maxTokens().orElse(DEFAULT_MAX_TOKENS));
    StringBuilder system = new StringBuilder();
    ArrayNode messages = JSON.createArrayNode();
    ArrayNode toolResults = null;
    for (ChatMessage m : request.messages()) {
      if (m.role() == ChatRole.SYSTEM) {
        system.append(system.isEmpty() ? "" : "\n\n").append(m.content());
        continue;
      }
      if (m.role() == ChatRole.TOOL) {
        if (toolResults == null) {
          ObjectNode turn = messages.addObject().put("role", "user");
          toolResults = turn.putArray("content");
        }
        toolResults.addObject().put("type", "tool_result").put("tool_use_id", m.toolCallId().orElseThrow())
            .put("content", m.content());
        continue;
      }
      toolResults = null;
      ObjectNode turn = messages.addObject().put("role", m.role() == ChatRole.USER ? "user" : "assistant");
      if (m.toolCalls().isEmpty()) {
        turn.put("content", m.content());
      } else {
        ArrayNode blocks = turn.putArray("content");
        if (!m.content().isEmpty()) {
          blocks.addObject().put("type", "text").put("text", m.content());
        }
        for (ToolCall call : m.toolCalls()) {
          blocks.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name())
              .set("input", object(call.arguments(), "the arguments of tool call " + call.id()));
        }
      }
    }
    if (!system.isEmpty()) {
      body.put("system", system.toString());
    }
    body.set("messages", messages);
    request.temperature().ifPresent(t -> body.put("temperature", t));
    if (!request.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolSpec tool : request.tools()) {
        tools.addObject().put("name", tool.name()).put("description", tool.description())
            .set("input_schema", object(tool.parametersSchema(), "the schema of tool " + tool.name()));
      }
      request.toolChoice().ifPresent(choice -> {
        ObjectNode c = body.putObject("tool_choice");
        switch (choice.mode()) {
          case AUTO -> c.put("type", "auto");
          case NONE -> c.put("type", "none");
          case REQUIRED -> c.put("type", "any");
          case FUNCTION -> c.put("type", "tool").put("name", choice.function().orElseThrow());
        }
      });
    }
    // json_object has no counterpart here: the caller's instructions ask for a JSON object
    request.responseFormat().filter(f -> f.type() == ResponseFormat.Type.JSON_SCHEMA).ifPresent(format -> body
        .putObject("output_config").putObject("format").put("type", "json_schema")
        .set("schema", object(format.schema(), "response_format " + format.name())));
    if (stream) {
      body.put("stream", true);
    }
    return body.toString();
  }

  private static JsonNode object(String json, String owner) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (IOException e) {
      // reported below
    }
    throw new InvalidInputException(owner + " must be a JSON object, got: "
        + (json.length() > 200 ? json.substring(0, 200) + "..." : json));
  }

  @Override
  public ChatResponse readWhole(String model, String json, Generation generation) {
    JsonNode root = UpstreamFailures.parse(model, json, "the message");
    JsonNode content = root.path("content");
    if (!content.isArray()) {
      throw UpstreamFailures.malformed(model, "the message has no content list", null);
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < content.size(); i++) {
      JsonNode block = content.get(i);
      switch (block.path("type").asText("")) {
        case "text" -> text.append(block.path("text").asText(""));
        case "tool_use" -> {
          generation.toolCalls().start(i, block.path("id").asText(""), block.path("name").asText(""));
          generation.toolCalls().setArguments(i, block.path("input").toString());
        }
        default -> { }
      }
    }
    generation.text(text.toString());
    usage(root.path("usage"), generation, true);
    return new ChatResponse(generation.text(), generation.toolCalls().toolCalls(model),
        stopReason(root.path("stop_reason").asText("end_turn")), generation.usage(), root.path("model").asText(""),
        Optional.empty());
  }

  @Override
  public ChatResponse readStream(String model, SseReader events, Generation generation) {
    String upstreamModel = "";
    String stopReason = "end_turn";
    Map<Integer, String> wholeInputs = new HashMap<>();
    while (true) {
      Optional<SseEvent> next = events.next();
      if (next.isEmpty()) {
        throw UpstreamFailures.cut(model, "message_stop");
      }
      JsonNode event = UpstreamFailures.parse(model, next.get().data(), "a " + next.get().type() + " event");
      String type = event.path("type").asText(next.get().type());
      switch (type) {
        case "message_start" -> {
          JsonNode message = event.path("message");
          upstreamModel = message.path("model").asText("");
          usage(message.path("usage"), generation, false);
        }
        case "content_block_start" -> {
          JsonNode block = event.path("content_block");
          int index = event.path("index").asInt();
          if (block.path("type").asText().equals("tool_use")) {
            generation.markFirstToken();
            generation.toolCalls().start(index, block.path("id").asText(""), block.path("name").asText(""));
            // the input usually streams as input_json_delta pieces; a block may also bring it whole
            JsonNode input = block.path("input");
            if (input.isObject() && !input.isEmpty()) {
              wholeInputs.put(index, input.toString());
            }
          } else {
            generation.text(block.path("text").asText(""));
          }
        }
        case "content_block_delta" -> {
          JsonNode delta = event.path("delta");
          int index = event.path("index").asInt();
          switch (delta.path("type").asText("")) {
            case "text_delta" -> generation.text(delta.path("text").asText(""));
            case "input_json_delta" -> {
              wholeInputs.remove(index);
              generation.toolCalls().appendArguments(index, delta.path("partial_json").asText(""));
            }
            default -> { }
          }
        }
        case "content_block_stop" -> {
          String whole = wholeInputs.remove(event.path("index").asInt());
          if (whole != null) {
            generation.toolCalls().setArguments(event.path("index").asInt(), whole);
          }
        }
        case "message_delta" -> {
          if (event.path("delta").hasNonNull("stop_reason")) {
            stopReason = event.path("delta").path("stop_reason").asText();
          }
          usage(event.path("usage"), generation, true);
        }
        case "message_stop" -> {
          return new ChatResponse(generation.text(), generation.toolCalls().toolCalls(model), stopReason(stopReason),
              generation.usage(), upstreamModel, generation.timeToFirstToken());
        }
        case "error" -> throw UpstreamFailures.streamError(model,
            event.path("error").path("type").asText("error") + ": " + event.path("error").path("message").asText(""));
        default -> { }
      }
    }
  }

  /**
   * Anthropic's usage into Quarry's: input counts every prompt token, those read from or written to
   * the prompt cache included ({@code cached} are those read). Output is taken from a message's
   * final usage or a {@code message_delta} (cumulative), never from {@code message_start}'s placeholder.
   */
  private static void usage(JsonNode usage, Generation generation, boolean withOutput) {
    if (!usage.isObject()) {
      return;
    }
    if (usage.path("input_tokens").canConvertToLong()) {
      long cacheRead = usage.path("cache_read_input_tokens").asLong(0);
      long cacheWrite = usage.path("cache_creation_input_tokens").asLong(0);
      generation.reportInput(usage.path("input_tokens").asLong() + cacheRead + cacheWrite, cacheRead);
    }
    if (withOutput && usage.path("output_tokens").canConvertToLong()) {
      generation.reportOutput(usage.path("output_tokens").asLong());
    }
  }

  static FinishReason stopReason(String wire) {
    return switch (wire) {
      case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
      case "tool_use" -> FinishReason.TOOL_CALLS;
      case "refusal" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.STOP;
    };
  }
}
