package dev.quarry.core.chat;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One message of a conversation. An assistant message may carry {@code toolCalls} (and empty
 * content); a {@link ChatRole#TOOL} message answers the call named by {@code toolCallId}.
 */
public record ChatMessage(ChatRole role, String content, List<ToolCall> toolCalls, Optional<String> toolCallId) {
  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
    toolCalls = List.copyOf(toolCalls);
    Objects.requireNonNull(toolCallId, "toolCallId");
    if (!toolCalls.isEmpty() && role != ChatRole.ASSISTANT) {
      throw new IllegalArgumentException("only assistant messages carry tool calls, got role " + role.wireName());
    }
    if (role == ChatRole.TOOL && toolCallId.isEmpty()) {
      throw new IllegalArgumentException("a tool message must name the tool call it answers");
    }
  }

  public static ChatMessage system(String content) {
    return new ChatMessage(ChatRole.SYSTEM, content, List.of(), Optional.empty());
  }

  public static ChatMessage user(String content) {
    return new ChatMessage(ChatRole.USER, content, List.of(), Optional.empty());
  }

  public static ChatMessage assistant(String content) {
    return new ChatMessage(ChatRole.ASSISTANT, content, List.of(), Optional.empty());
  }

  public static ChatMessage toolResult(String toolCallId, String content) {
    return new ChatMessage(ChatRole.TOOL, content, List.of(), Optional.of(toolCallId));
  }
}
