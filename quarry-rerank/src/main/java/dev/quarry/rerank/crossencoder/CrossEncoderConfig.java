package dev.quarry.rerank.crossencoder;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A cross-encoder the user supplies: an ONNX graph with BERT's inputs ({@code input_ids},
 * {@code attention_mask}, optionally {@code token_type_ids}; int64 [batch, sequence]) and one
 * float output of logits ([batch], [batch, 1], or [batch, 2] for a two-class head), and the
 * HuggingFace {@code tokenizer.json} it was trained with.
 *
 * @param maxTokens longest pair input, special tokens included (the passage is cut first)
 * @param batchSize pairs per model call
 * @param intraOpThreads ONNX Runtime threads per call
 */
public record CrossEncoderConfig(Path model, Path tokenizer, int maxTokens, int batchSize, int intraOpThreads) {

  public CrossEncoderConfig {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(tokenizer, "tokenizer");
    if (maxTokens < 8 || maxTokens > 8192) {
      throw new IllegalArgumentException("cross-encoder maxTokens must be in 8..8192, got: " + maxTokens);
    }
    if (batchSize < 1 || batchSize > 1024) {
      throw new IllegalArgumentException("cross-encoder batchSize must be in 1..1024, got: " + batchSize);
    }
    if (intraOpThreads < 1 || intraOpThreads > 64) {
      throw new IllegalArgumentException("cross-encoder intraOpThreads must be in 1..64, got: " + intraOpThreads);
    }
  }

  /** 512 tokens, batches of 16, one thread per call. */
  public static CrossEncoderConfig of(Path model, Path tokenizer) {
    return new CrossEncoderConfig(model, tokenizer, 512, 16, 1);
  }
}
