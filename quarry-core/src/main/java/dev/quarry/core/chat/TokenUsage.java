package dev.quarry.core.chat;

/**
 * Tokens a call consumed. {@code counted} is true when Quarry counted them with the model's
 * tokenizer because the provider reported none (for example on a stream cut short).
 */
public record TokenUsage(long inputTokens, long outputTokens, long cachedTokens, boolean counted) {
  public static final TokenUsage NONE = new TokenUsage(0, 0, 0, false);

  public TokenUsage {
    if (inputTokens < 0 || outputTokens < 0 || cachedTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must be >= 0, got input " + inputTokens + ", output " + outputTokens + ", cached " + cachedTokens);
    }
  }

  public TokenUsage plus(TokenUsage other) {
    return new TokenUsage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
        cachedTokens + other.cachedTokens, counted || other.counted);
  }
}
