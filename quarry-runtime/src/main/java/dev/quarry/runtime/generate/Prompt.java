package dev.quarry.runtime.generate;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatRole;
import dev.quarry.runtime.assemble.Passage;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages a chat model answers from: one system message with the instructions and the
 * numbered passages, then the end user's recalled memories as their own block, numbered in the same
 * sequence (and any system messages the caller sent, after them), the conversation so far, then the
 * question.
 */
public final class Prompt {

  static final String INSTRUCTIONS = """
      Answer the user's question using only the numbered passages below. After each claim, cite the \
      passage that supports it with its number in square brackets, like [1] or [2, 3]. If the passages \
      do not answer the question, say that they do not. Be concise.""";

  static final String MEMORIES = "What is known about the user (cite it like a passage):";

  private Prompt() {}

  public static List<ChatMessage> messages(GenerationInput in) {
    StringBuilder system = new StringBuilder(INSTRUCTIONS).append("\n\nPassages:\n");
    for (Passage p : in.context().passages()) {
      if (p.memory()) {
        continue;
      }
      system.append("\n[").append(p.number()).append("] ");
      if (!p.chunk().title().isBlank()) {
        system.append(p.chunk().title()).append(": ");
      }
      system.append(p.chunk().text()).append('\n');
    }
    if (in.context().passages().stream().anyMatch(Passage::memory)) {
      system.append("\n").append(MEMORIES).append('\n');
      for (Passage p : in.context().passages()) {
        if (p.memory()) {
          system.append("\n[").append(p.number()).append("] ").append(p.chunk().text()).append('\n');
        }
      }
    }
    List<ChatMessage> out = new ArrayList<>();
    List<ChatMessage> conversation = new ArrayList<>();
    for (ChatMessage m : in.history()) {
      if (m.role() == ChatRole.SYSTEM) {
        system.append('\n').append(m.content());
      } else if (m.role() == ChatRole.USER || m.role() == ChatRole.ASSISTANT) {
        conversation.add(m);
      }
    }
    out.add(ChatMessage.system(system.toString()));
    out.addAll(conversation);
    out.add(ChatMessage.user(in.question()));
    return out;
  }
}
