package dev.quarry.runtime.structured;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatRole;
import dev.quarry.core.chat.ResponseFormat;
import dev.quarry.llm.schema.JsonSchemas.Violation;
import java.util.ArrayList;
import java.util.List;

/**
 * The words a structured request adds to a conversation: an instruction to answer with JSON only
 * (joined to the leading system message), and, after an answer that failed validation, that answer
 * and what is wrong with it, asking once for a corrected one.
 */
public final class RepairPrompt {

  static final String JSON_ONLY = "Reply with JSON only: one value satisfying the response format, with no text, "
      + "code fence or comment around it.";
  static final String JSON_OBJECT = "Reply with one JSON object only, with no text, code fence or comment around it.";
  /** At most this many characters of the failed answer are sent back. */
  static final int MAX_ECHO = 16_000;

  private RepairPrompt() {}

  /** {@code messages} with the JSON instruction for {@code format} joined to the first system message (or first). */
  public static List<ChatMessage> instructed(List<ChatMessage> messages, ResponseFormat format) {
    String instruction = format.type() == ResponseFormat.Type.JSON_OBJECT ? JSON_OBJECT : JSON_ONLY;
    List<ChatMessage> out = new ArrayList<>(messages);
    if (!out.isEmpty() && out.getFirst().role() == ChatRole.SYSTEM) {
      out.set(0, ChatMessage.system(out.getFirst().content() + "\n\n" + instruction));
    } else {
      out.addFirst(ChatMessage.system(instruction));
    }
    return out;
  }

  /**
   * The conversation for the one repair attempt: {@code messages} as first sent, the model's
   * {@code answer}, then a user turn listing {@code violations} (JSON pointers into the answer) and
   * asking for the whole answer again, corrected.
   */
  public static List<ChatMessage> repair(List<ChatMessage> messages, String answer, List<Violation> violations,
      ResponseFormat format) {
    List<ChatMessage> out = new ArrayList<>(messages);
    out.add(ChatMessage.assistant(answer.length() > MAX_ECHO ? answer.substring(0, MAX_ECHO) + "..." : answer));
    StringBuilder ask = new StringBuilder("Your reply is not valid against the JSON Schema of the response format '")
        .append(format.name()).append("'. What is wrong, by JSON pointer into your reply:\n");
    for (Violation v : violations) {
      ask.append("- ").append(v.pointer().isEmpty() ? "(the whole reply)" : v.pointer()).append(": ")
          .append(v.message()).append('\n');
    }
    ask.append("Reply again with the whole corrected JSON only, nothing around it.");
    out.add(ChatMessage.user(ask.toString()));
    return out;
  }
}
