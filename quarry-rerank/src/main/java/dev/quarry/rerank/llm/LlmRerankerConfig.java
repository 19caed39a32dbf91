package dev.quarry.rerank.llm;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a {@link ListwiseLlmReranker} asks its model.
 *
 * @param depth how many of the candidates a search hands over the model ranks (the rest keep their
 *     fused order below them); 1..100
 * @param window how many candidates one prompt lists; when {@code depth} is larger, windows slide
 *     from the bottom of the head to its top, {@code step} apart (RankGPT); 2..100
 * @param step how far the window moves each call, 1..{@code window}
 * @param maxChars the longest text of a candidate the prompt carries, in characters (about four to
 *     a token); longer texts are cut at a word boundary
 * @param maxTokens the answer's {@code max_tokens}; empty: six per listed candidate plus 32
 * @param timeout the time every call of one re-ranking has together; then the fused order is kept
 */
public record LlmRerankerConfig(int depth, int window, int step, int maxChars, OptionalInt maxTokens, Duration timeout) {

  public static final int DEFAULT_DEPTH = 20;
  public static final int DEFAULT_WINDOW = 20;
  public static final int DEFAULT_MAX_CHARS = 1000;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final int MAX_DEPTH = 100;

  public LlmRerankerConfig {
    Objects.requireNonNull(maxTokens, "maxTokens");
    Objects.requireNonNull(timeout, "timeout");
    if (depth < 1 || depth > MAX_DEPTH) {
      throw new IllegalArgumentException("depth must be in 1.." + MAX_DEPTH + ", got: " + depth);
    }
    if (window < 2 || window > MAX_DEPTH) {
      throw new IllegalArgumentException("window must be in 2.." + MAX_DEPTH + ", got: " + window);
    }
    if (step < 1 || step > window) {
      throw new IllegalArgumentException("step must be in 1.." + window + " (the window), got: " + step);
    }
    if (maxChars < 16) {
      throw new IllegalArgumentException("max_chars must be at least 16, got: " + maxChars);
    }
    if (maxTokens.isPresent() && maxTokens.getAsInt() < 1) {
      throw new IllegalArgumentException("max_tokens must be at least 1, got: " + maxTokens.getAsInt());
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got: " + timeout);
    }
  }

  /** The defaults: the best 20 candidates in one window of 20, 1000 characters each, 10 s. */
  public static LlmRerankerConfig defaults() {
    return new LlmRerankerConfig(DEFAULT_DEPTH, DEFAULT_WINDOW, DEFAULT_WINDOW / 2, DEFAULT_MAX_CHARS,
        OptionalInt.empty(), DEFAULT_TIMEOUT);
  }

  /** The {@code max_tokens} of a call listing {@code listed} candidates. */
  int answerTokens(int listed) {
    return maxTokens.orElse(6 * listed + 32);
  }
}
