package dev.quarry.runtime.cite;

import dev.quarry.runtime.assemble.Context;

/** The cite stage: an answer's markers mapped back to the passages of its context. */
@FunctionalInterface
public interface Citer {
  Cited cite(String answer, Context context);
}
