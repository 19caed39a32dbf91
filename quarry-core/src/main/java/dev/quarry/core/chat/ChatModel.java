package dev.quarry.core.chat;

/**
 * A generative model behind one interface: a remote provider (OpenAI-compatible, Anthropic) or
 * Quarry's own extractive answerer. Thread-safe. A call streams its text to {@code stream} as it
 * arrives and returns the finished response; it ends by the request's deadline, and an interrupt of
 * the calling thread cancels it and releases the upstream connection. Failures are
 * {@link dev.quarry.core.error.ModelException}s, retryable or not.
 */
public interface ChatModel {
  ChatModelInfo info();

  ChatResponse generate(ChatRequest request, ChatStream stream);
}
