package dev.quarry.store.idempotency;

import java.time.Instant;
import java.util.Objects;

/** What {@link IdempotencyStore#begin} decided for a request. */
public sealed interface IdempotencyOutcome {

  /** The key is this request's now: do the work, then {@code complete} (or {@code abandon}). */
  record New() implements IdempotencyOutcome {}

  /** The same request completed before: answer with its stored response, do nothing. */
  record Replay(StoredResponse response) implements IdempotencyOutcome {
    public Replay {
      Objects.requireNonNull(response, "response");
    }
  }

  /** The key was used for a different request (another body or route): refuse. */
  record Conflict() implements IdempotencyOutcome {}

  /** The same request is being worked on elsewhere, holding the key until {@code leaseUntil}. */
  record InProgress(Instant leaseUntil) implements IdempotencyOutcome {
    public InProgress {
      Objects.requireNonNull(leaseUntil, "leaseUntil");
    }
  }
}
