package dev.quarry.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer pipeline's settings: {@code k} passages retrieved when a request names none; at most
 * {@code contextTokens} of context and {@code historyTokens} of conversation in a prompt (each in
 * the generator's tokens; a model's context window minus its reply may lower the first);
 * {@code replyTokens} kept free for a model's reply when the request sets no {@code max_tokens};
 * {@code answerWords}, the extractive answer's length; and the request {@code timeout} when none
 * is asked for, with {@code maxTimeout} the most a request may ask.
 */
public record AnswerSettings(int k, int contextTokens, int historyTokens, int replyTokens, int answerWords,
    Duration timeout, Duration maxTimeout) {

  public static final int MAX_K = 50;
  public static final AnswerSettings DEFAULT =
      new AnswerSettings(5, 3000, 1000, 1024, 120, Duration.ofSeconds(30), Duration.ofMinutes(2));

  public AnswerSettings {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(maxTimeout, "maxTimeout");
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException("k must be in 1.." + MAX_K + ", got: " + k);
    }
    if (contextTokens < 1 || historyTokens < 0 || replyTokens < 1 || answerWords < 1) {
      throw new IllegalArgumentException("context_tokens, reply_tokens and answer_words must be at least 1 and "
          + "history_tokens at least 0, got " + contextTokens + ", " + replyTokens + ", " + answerWords + ", " + historyTokens);
    }
    if (timeout.isNegative() || timeout.isZero() || maxTimeout.compareTo(timeout) < 0) {
      throw new IllegalArgumentException("timeout must be positive and at most max_timeout, got " + timeout.toMillis()
          + " ms and " + maxTimeout.toMillis() + " ms");
    }
  }
}
