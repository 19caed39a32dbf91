package dev.quarry.core.error;

import java.util.List;
import java.util.Objects;

/**
 * A model's answer does not satisfy the request's response format (see {@link
 * ErrorCode#INVALID_MODEL_OUTPUT}): {@code violations} say where (a JSON pointer into the answer,
 * {@code ""} for the whole) and what. The answer itself is never passed on as valid.
 */
public final class InvalidModelOutputException extends QuarryException {

  /** One thing wrong with the answer: where, as a JSON pointer into it, and what. */
  public record Violation(String pointer, String message) {
    public Violation {
      Objects.requireNonNull(pointer, "pointer");
      Objects.requireNonNull(message, "message");
    }
  }

  private final String model;
  private final transient List<Violation> violations;

  public InvalidModelOutputException(String model, String message, List<Violation> violations) {
    super(message, null);
    this.model = Objects.requireNonNull(model, "model");
    this.violations = List.copyOf(violations);
    if (this.violations.isEmpty()) {
      throw new IllegalArgumentException("an invalid model output needs at least one violation");
    }
  }

  @Override
  public ErrorCode code() {
    return ErrorCode.INVALID_MODEL_OUTPUT;
  }

  /** Quarry's name of the model that answered. */
  public String model() {
    return model;
  }

  public List<Violation> violations() {
    return violations;
  }
}
