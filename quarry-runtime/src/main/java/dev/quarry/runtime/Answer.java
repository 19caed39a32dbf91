package dev.quarry.runtime;

import dev.quarry.core.chat.FinishReason;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.runtime.assemble.Context;
import dev.quarry.runtime.cite.Citation;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An answer: its text with markers, what they cite, the context it was written from, the query
 * retrieval ran, the model that wrote it, the tokens it used (rewrite and generation) and their
 * cost, each stage's wall time in the order they ran, what fell back, and the index generation
 * read in each collection.
 */
public record Answer(String text, List<Citation> citations, Context context, String query, String model,
    FinishReason finishReason, TokenUsage usage, BigDecimal cost, Map<String, Duration> timings,
    List<Degradation> degraded, Map<String, Long> generations) {
  public Answer {
    Objects.requireNonNull(text, "text");
    citations = List.copyOf(citations);
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(cost, "cost");
    timings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(timings));
    degraded = List.copyOf(degraded);
    generations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(generations));
  }
}
