package dev.quarry.runtime.assemble;

import dev.quarry.runtime.retrieve.RetrievedChunk;
import dev.quarry.runtime.text.Terms;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps chunks in rank order while they fit the budget: a chunk whose content words overlap a kept
 * one's by {@link #NEAR_DUPLICATE} or more (Jaccard, so the same text re-chunked, or copied into
 * two documents, counts once) is dropped, and a chunk too large for what is left is skipped so a
 * smaller one after it may still fit.
 */
public final class BudgetedAssembler implements ContextAssembler {

  /** Jaccard similarity of content words at which two chunks count as one. */
  public static final double NEAR_DUPLICATE = 0.8;

  @Override
  public Context assemble(List<RetrievedChunk> chunks, TokenCount tokens, int budget) {
    List<Passage> kept = new ArrayList<>();
    List<Set<String>> keptTerms = new ArrayList<>();
    Set<String> keptTexts = new HashSet<>();
    int used = 0;
    int duplicates = 0;
    int overBudget = 0;
    for (RetrievedChunk c : chunks) {
      String text = c.chunk().text();
      Set<String> terms = Terms.content(text);
      if (!keptTexts.add(text.strip()) || nearDuplicate(terms, keptTerms)) {
        duplicates++;
        continue;
      }
      int size = tokens.count(text);
      if (used + size > budget) {
        keptTexts.remove(text.strip());
        overBudget++;
        continue;
      }
      used += size;
      keptTerms.add(terms);
      kept.add(new Passage(kept.size() + 1, c.collection(), c.chunk(), size));
    }
    return new Context(kept, used, duplicates, overBudget);
  }

  private static boolean nearDuplicate(Set<String> terms, List<Set<String>> kept) {
    for (Set<String> k : kept) {
      if (Terms.jaccard(terms, k) >= NEAR_DUPLICATE) {
        return true;
      }
    }
    return false;
  }
}
