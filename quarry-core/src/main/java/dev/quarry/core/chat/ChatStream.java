package dev.quarry.core.chat;

/**
 * Receives a streamed answer's text as it arrives, on the calling thread. A model that does not
 * stream calls it once with the whole text. Throwing from it cancels the call.
 */
@FunctionalInterface
public interface ChatStream {
  ChatStream IGNORE = delta -> { };

  void onDelta(String text);
}
