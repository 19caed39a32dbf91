package dev.quarry.runtime.generate;

import dev.quarry.core.chat.ChatStream;

/**
 * The generate stage: an answer to the input's question from its context, citing passages as
 * {@code [n]}, streamed to {@code stream} as it is written. Failures are {@link
 * dev.quarry.core.error.ModelException}s, as {@link dev.quarry.core.chat.ChatModel}'s.
 */
@FunctionalInterface
public interface Generator {
  Generation generate(GenerationInput input, ChatStream stream);
}
