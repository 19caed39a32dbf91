package dev.quarry.llm.testing;

import dev.quarry.core.chat.FinishReason;
import dev.quarry.core.chat.TokenUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a scripted server answers to one request, in either protocol: the answer (text tokens, tool
 * calls, finish reason, usage) and the faults to inject. Build one with {@link #text}, {@link #toolCall}
 * or {@link #status} and the {@code with...} methods.
 *
 * @param status HTTP status; anything but 200 answers with {@code body} (or the protocol's error shape)
 * @param headers extra response headers, e.g. {@code Retry-After}
 * @param body the error body for a status other than 200
 * @param tokens the text, one streamed delta per token
 * @param toolCalls tool calls, after the text
 * @param finish the finish reason; empty: tool calls if any, else a stop
 * @param usage the usage to report; empty: input = words of the request's messages, output = tokens
 * @param sendUsage whether usage is reported at all
 * @param latency wait before the response begins (before its headers)
 * @param firstToken wait after the headers of a stream before the first token
 * @param tokensPerSecond pace of the following tokens; 0: as fast as possible
 * @param cutAfter close the connection abruptly after this many tokens of a stream (0: before any); a
 *     whole answer is not sent at all: the connection closes after the request
 * @param malformedAfter send a broken JSON chunk after this many tokens (a whole answer: broken JSON)
 * @param errorAfter send the protocol's mid-stream error event after this many tokens
 * @param model the upstream model name to report; empty: the requested one
 */
public record ScriptedReply(int status, Map<String, String> headers, Optional<String> body, List<String> tokens,
    List<ScriptedToolCall> toolCalls, Optional<FinishReason> finish, Optional<TokenUsage> usage, boolean sendUsage,
    Duration latency, Duration firstToken, double tokensPerSecond, OptionalInt cutAfter, OptionalInt malformedAfter,
    OptionalInt errorAfter, Optional<String> model) {

  public ScriptedReply {
    headers = Map.copyOf(headers);
    tokens = List.copyOf(tokens);
    toolCalls = List.copyOf(toolCalls);
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(finish, "finish");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(firstToken, "firstToken");
    Objects.requireNonNull(cutAfter, "cutAfter");
    Objects.requireNonNull(malformedAfter, "malformedAfter");
    Objects.requireNonNull(errorAfter, "errorAfter");
    Objects.requireNonNull(model, "model");
    if (tokensPerSecond < 0) {
      throw new IllegalArgumentException("tokensPerSecond must be >= 0, got: " + tokensPerSecond);
    }
  }

  /** A text answer streamed token by token. */
  public static ScriptedReply text(String... tokens) {
    return new ScriptedReply(200, Map.of(), Optional.empty(), List.of(tokens), List.of(), Optional.empty(),
        Optional.empty(), true, Duration.ZERO, Duration.ZERO, 0, OptionalInt.empty(), OptionalInt.empty(),
        OptionalInt.empty(), Optional.empty());
  }

  /** An answer that only calls a tool. */
  public static ScriptedReply toolCall(String id, String name, String arguments) {
    return text().withToolCall(id, name, arguments);
  }

  /** An error status with the protocol's error body. */
  public static ScriptedReply status(int status) {
    return text().withStatus(status);
  }

  /** A 429 asking to retry after {@code retryAfter} (seconds or an HTTP date). */
  public static ScriptedReply rateLimited(String retryAfter) {
    return status(429).withHeader("Retry-After", retryAfter);
  }

  public ScriptedReply withStatus(int s) {
    return new ScriptedReply(s, headers, body, tokens, toolCalls, finish, usage, sendUsage, latency, firstToken,
        tokensPerSecond, cutAfter, malformedAfter, errorAfter, model);
  }

  public ScriptedReply withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new ScriptedReply(status, h, body, tokens, toolCalls, finish, usage, sendUsage, latency, firstToken,
        tokensPerSecond, cutAfter, malformedAfter, errorAfter, model);
  }

  public ScriptedReply withBody(String errorBody) {
    return new ScriptedReply(status, headers, Optional.of(errorBody), tokens, toolCalls, finish, usage, sendUsage,
        latency, firstToken, tokensPerSecond, cutAfter, malformedAfter, errorAfter, model);
  }

  public ScriptedReply withToolCall(String id, String name, String arguments) {
    List<ScriptedToolCall> calls = new ArrayList<>(toolCalls);
    calls.add(new ScriptedToolCall(id, name, arguments));
    return new ScriptedReply(status, headers, body, tokens, calls, finish, usage, sendUsage, latency, firstToken,
        tokensPerSecond, cutAfter, malformedAfter, errorAfter, model);
  }

  public ScriptedReply withFinish(FinishReason f) {
    return new ScriptedReply(status, headers, body, tokens, toolCalls, Optional.of(f), usage, sendUsage, latency,
        firstToken, tokensPerSecond, cutAfter, malformedAfter, errorAfter, model);
  }

  public ScriptedReply withUsage(long input, long output, long cached) {
    return new ScriptedReply(status, headers, body, tokens, toolCalls, finish,
        Optional.of(new TokenUsage(input, output, cached, false)), true, latency, firstToken, tokensPerSecond, cutAfter,
        malformedAfter, errorAfter, model);
  }

  public ScriptedReply withoutUsage() {
    return new ScriptedReply(status, headers, body, tokens, toolCalls, finish, usage, false, latency, firstToken,
        tokensPerSecond, cutAfter, malformedAfter, errorAfter, model);
  }

  public ScriptedReply withLatency(Duration d) {
    return new ScriptedReply(status, headers, body, tokens, toolCalls, finish, usage, sendUsage, d, firstToken,
        tokensPerSecond, cutAfter, malformedAfter, errorAfter, model);
  }

  public ScriptedReply withFirstTokenAfter(Duration d) {
    return new ScriptedReply(status, headers, body, tokens, toolCalls, finish, usage, sendUsage, latency, d,
        tokensPerSecond, cutAfter, malformedAfter, errorAfter, model);
  }

  public ScriptedReply withTokensPerSecond(double tps) {
    return new ScriptedReply(status, headers, body, tokens, toolCalls, finish, usage, sendUsage, latency, firstToken,
        tps, cutAfter, malformedAfter, errorAfter, model);
  }

  public ScriptedReply cutAfter(int tokensSent) {
    return new ScriptedReply(status, headers, body, tokens, toolCalls, finish, usage, sendUsage, latency, firstToken,
        tokensPerSecond, OptionalInt.of(tokensSent), malformedAfter, errorAfter, model);
  }

  public ScriptedReply malformedAfter(int tokensSent) {
    return new ScriptedReply(status, headers, body, tokens, toolCalls, finish, usage, sendUsage, latency, firstToken,
        tokensPerSecond, cutAfter, OptionalInt.of(tokensSent), errorAfter, model);
  }

  public ScriptedReply errorAfter(int tokensSent) {
    return new ScriptedReply(status, headers, body, tokens, toolCalls, finish, usage, sendUsage, latency, firstToken,
        tokensPerSecond, cutAfter, malformedAfter, OptionalInt.of(tokensSent), model);
  }

  public ScriptedReply withModel(String upstreamModel) {
    return new ScriptedReply(status, headers, body, tokens, toolCalls, finish, usage, sendUsage, latency, firstToken,
        tokensPerSecond, cutAfter, malformedAfter, errorAfter, Optional.of(upstreamModel));
  }

  /** The whole text. */
  public String joined() {
    return String.join("", tokens);
  }

  /** The finish reason to report. */
  public FinishReason finishReason() {
    return finish.orElse(toolCalls.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS);
  }

  /** The wait before token {@code i} of a stream. */
  Duration pauseBefore(int i) {
    if (i == 0) {
      return firstToken;
    }
    return tokensPerSecond == 0 ? Duration.ZERO : Duration.ofNanos((long) (1e9 / tokensPerSecond));
  }

  /** The usage to report for {@code request}. */
  TokenUsage usageFor(RecordedRequest request) {
    return usage.orElseGet(() -> {
      long words = 0;
      for (var m : request.json().path("messages")) {
        String content = m.path("content").isTextual() ? m.path("content").textValue() : m.path("content").toString();
        words += content.isBlank() ? 0 : content.trim().split("\\s+").length;
      }
      String system = request.json().path("system").asText("");
      words += system.isBlank() ? 0 : system.trim().split("\\s+").length;
      return new TokenUsage(words, tokens.size() + toolCalls.size(), 0, false);
    });
  }
}
