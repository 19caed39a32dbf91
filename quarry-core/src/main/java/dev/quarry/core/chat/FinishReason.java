package dev.quarry.core.chat;

/** Why a model stopped, normalised across providers. */
public enum FinishReason {
  /** A natural end or a stop sequence. */
  STOP,
  /** {@code max_tokens} or the context window ran out. */
  LENGTH,
  /** The model asked for tool calls. */
  TOOL_CALLS,
  /** The provider's own content filter stopped it. */
  CONTENT_FILTER
}
