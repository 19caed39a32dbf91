package dev.quarry.core.embed;

import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Where in-process model work runs: on the shared inference workers, ahead of bulk work.
 *
 * <p>Decision: a model other than the embedder (the cross-encoder re-ranker) runs its model calls
 * through the embedder's workers rather than on its own threads, so a search's model call is
 * scheduled like a query embedding (before waiting ingestion batches) and the number of model calls
 * running at once stays bounded by the embedder's worker count however many models there are. The
 * work is any model call; the slot decides only when and on which thread it runs.
 *
 * <p>{@link #interactive} returns what the work returns. An unchecked exception or error thrown by
 * the work is rethrown as is; a checked one is wrapped in an {@link IllegalStateException} whose
 * cause it is and whose message includes its message. A caller interrupted while waiting gets an
 * {@link IllegalStateException} with its interrupt flag set. Work must not itself call {@link
 * #interactive} on the same slots: it would wait for a worker it may be holding.
 */
public interface InferenceSlots {

  /** Runs the work on the calling thread, at once: for tests, benchmarks and when there is no embedder. */
  InferenceSlots CALLER = new InferenceSlots() {
    @Override
    public <T> T interactive(Callable<T> work) {
      Objects.requireNonNull(work, "work");
      try {
        return work.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("model work failed: " + e.getMessage(), e);
      }
    }

    @Override
    public String toString() {
      return "InferenceSlots.CALLER";
    }
  };

  /**
   * Runs {@code work} on a shared inference worker, before bulk (document) batches that are waiting,
   * and returns its result once it has run. Blocks the caller until then.
   */
  <T> T interactive(Callable<T> work);
}
