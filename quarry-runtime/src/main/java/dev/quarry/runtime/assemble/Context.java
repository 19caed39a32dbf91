package dev.quarry.runtime.assemble;

import java.util.List;
import java.util.Optional;

/**
 * The passages a generator reads, numbered from 1 in rank order, {@code tokens} in total;
 * {@code duplicates} were dropped as copies or near-copies of a passage kept, {@code overBudget}
 * because they did not fit.
 */
public record Context(List<Passage> passages, int tokens, int duplicates, int overBudget) {
  public Context {
    passages = List.copyOf(passages);
  }

  public static final Context EMPTY = new Context(List.of(), 0, 0, 0);

  /** The passage cited as {@code [number]}, if the context holds it. */
  public Optional<Passage> passage(int number) {
    return number >= 1 && number <= passages.size() ? Optional.of(passages.get(number - 1)) : Optional.empty();
  }
}
