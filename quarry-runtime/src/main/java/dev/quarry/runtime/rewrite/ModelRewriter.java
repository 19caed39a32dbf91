package dev.quarry.runtime.rewrite;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ChatRole;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.TokenUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The rewrite by the configured model: with no earlier turn the question is searched as it is
 * (no call); otherwise the model is shown the last {@value #TURNS} messages and asked for one
 * standalone query ({@value #MAX_TOKENS} tokens at most, temperature 0). A model failure is the
 * caller's to handle (the pipeline falls back to the heuristic, marked degraded).
 */
public final class ModelRewriter implements QueryRewriter {

  static final int TURNS = 6;
  static final int MAX_TOKENS = 64;
  static final String INSTRUCTIONS = "Rewrite the user's last message as one standalone search query that needs no "
      + "earlier message to be understood. Reply with the query only.";

  private final ChatModel model;

  public ModelRewriter(ChatModel model) {
    this.model = Objects.requireNonNull(model, "model");
  }

  @Override
  public Rewrite rewrite(String question, List<ChatMessage> history, Instant deadline) {
    List<ChatMessage> turns = history.stream()
        .filter(m -> m.role() == ChatRole.USER || m.role() == ChatRole.ASSISTANT).toList();
    if (turns.isEmpty()) {
      return new Rewrite(question, TokenUsage.NONE);
    }
    StringBuilder conversation = new StringBuilder();
    for (ChatMessage m : turns.subList(Math.max(0, turns.size() - TURNS), turns.size())) {
      conversation.append(m.role().wireName()).append(": ").append(m.content()).append('\n');
    }
    conversation.append("user: ").append(question);
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(ChatMessage.system(INSTRUCTIONS));
    messages.add(ChatMessage.user(conversation.toString()));
    ChatResponse r = model.generate(new ChatRequest(messages, OptionalInt.of(MAX_TOKENS), OptionalDouble.of(0),
        List.of(), Optional.empty(), deadline), ChatStream.IGNORE);
    String query = r.text().strip();
    return new Rewrite(query.isEmpty() ? question : query, r.usage());
  }
}
