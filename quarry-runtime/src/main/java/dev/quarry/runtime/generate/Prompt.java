package dev.quarry.runtime.generate;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatRole;
import dev.quarry.llm.TokenCounter;
import dev.quarry.runtime.assemble.Passage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
    return build(in, Optional.empty()).messages();
  }

  /**
   * The messages and at most how many tokens they take under {@code tokens}, counted as {@link
   * TokenCounter#countPrompt} counts them but by parts: each passage's text by its count made when
   * the context was assembled ({@link Passage#tokens()}, with the same tokenizer), the short text
   * between passages, the conversation and the question counted here. A text cut in two can take
   * one token more than whole (a token cannot span the cut), so each cut adds {@value #PER_CUT}.
   */
  public static Counted counted(GenerationInput in, TokenCounter tokens) {
    return build(in, Optional.of(tokens));
  }

  /** Messages and a bound of their tokens under {@link TokenCounter#countPrompt}. */
  public record Counted(List<ChatMessage> messages, long tokensAtMost) {}

  /** Tokens added to a count by parts for each place a text was cut. */
  static final int PER_CUT = 1;

  private static Counted build(GenerationInput in, Optional<TokenCounter> tokens) {
    Meter meter = new Meter(tokens);
    StringBuilder system = new StringBuilder(INSTRUCTIONS).append("\n\nPassages:\n");
    int between = 0; // where the text between passages starts
    for (Passage p : in.context().passages()) {
      if (p.memory()) {
        continue;
      }
      system.append("\n[").append(p.number()).append("] ");
      if (!p.chunk().title().isBlank()) {
        system.append(p.chunk().title()).append(": ");
      }
      meter.text(system, between, system.length());
      meter.known(p.tokens());
      system.append(p.chunk().text()).append('\n');
      between = system.length() - 1;
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
    meter.text(system, between, system.length());
    out.add(ChatMessage.system(system.toString()));
    out.addAll(conversation);
    out.add(ChatMessage.user(in.question()));
    for (ChatMessage m : out.subList(1, out.size())) {
      meter.message(m.content());
    }
    return new Counted(List.copyOf(out), meter.total(out.size()));
  }

  /** Adds up a system message's parts, then the other messages, when there is a tokenizer. */
  private static final class Meter {
    private final Optional<TokenCounter> tokens;
    private long sum;
    private int parts;

    Meter(Optional<TokenCounter> tokens) {
      this.tokens = tokens;
    }

    void text(CharSequence s, int from, int to) {
      if (tokens.isPresent() && to > from) {
        sum += tokens.get().count(s.subSequence(from, to).toString());
        parts++;
      }
    }

    void known(int count) {
      sum += count;
      parts++;
    }

    void message(String content) {
      if (tokens.isPresent()) {
        sum += tokens.get().count(content);
      }
    }

    long total(int messages) {
      return TokenCounter.REPLY_PRIMING_TOKENS + (long) messages * TokenCounter.PER_MESSAGE_TOKENS + sum
          + (long) Math.max(0, parts - 1) * PER_CUT;
    }
  }
}
