package dev.quarry.runtime.tools;

import dev.quarry.core.chat.FinishReason;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.runtime.Degradation;
import dev.quarry.runtime.assemble.Context;
import dev.quarry.runtime.cite.Citation;
import java.util.List;
import java.util.Objects;

/**
 * A finished tool loop: the model's last text (markers to unknown passages removed), what its
 * markers cite, the passages tools returned (numbered as the model saw them), the model turns
 * taken, every tool call, the tokens of all turns, and what stopped it early if anything did.
 */
public record ToolRun(String text, List<Citation> citations, Context context, FinishReason finishReason,
    TokenUsage usage, String upstreamModel, int turns, List<ToolCallRecord> calls, List<Degradation> degraded) {
  public ToolRun {
    Objects.requireNonNull(text, "text");
    citations = List.copyOf(citations);
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(upstreamModel, "upstreamModel");
    calls = List.copyOf(calls);
    degraded = List.copyOf(degraded);
  }
}
