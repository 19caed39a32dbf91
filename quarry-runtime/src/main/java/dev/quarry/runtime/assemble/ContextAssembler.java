package dev.quarry.runtime.assemble;

import dev.quarry.runtime.retrieve.RetrievedChunk;
import java.util.List;

/** The assemble stage: the retrieved chunks, best first, made into a numbered context of at most {@code budget} tokens. */
@FunctionalInterface
public interface ContextAssembler {
  Context assemble(List<RetrievedChunk> chunks, TokenCount tokens, int budget);
}
