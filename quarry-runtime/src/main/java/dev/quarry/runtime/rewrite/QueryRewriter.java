package dev.quarry.runtime.rewrite;

import dev.quarry.core.chat.ChatMessage;
import java.time.Instant;
import java.util.List;

/** The rewrite stage: a question that may follow up on {@code history} made into a standalone search query. */
@FunctionalInterface
public interface QueryRewriter {
  Rewrite rewrite(String question, List<ChatMessage> history, Instant deadline);
}
