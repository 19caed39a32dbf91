package dev.quarry.core.search;

/** Finds the best {@code k} chunks for a query, filter applied before the cut. */
@FunctionalInterface
public interface Retriever {
  RankedList retrieve(RetrievalQuery query, int k);
}
