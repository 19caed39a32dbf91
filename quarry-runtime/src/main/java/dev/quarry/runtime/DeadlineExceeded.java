package dev.quarry.runtime;

/**
 * A stage ran out of the request's time. Internal to the pipeline: the orchestrator catches it and
 * answers extractively, marked degraded with the stage's name; it never reaches a caller.
 */
public final class DeadlineExceeded extends RuntimeException {

  public DeadlineExceeded(String message) {
    super(message, null, false, false);
  }
}
