package dev.quarry.core.error;

/**
 * Root of Quarry's failure taxonomy. Every failure a caller can act on is one of the permitted
 * subtypes; the edge (CLI exit code, later the HTTP status) is decided by one exhaustive switch over
 * {@link #code()}.
 */
public abstract sealed class QuarryException extends RuntimeException
    permits InvalidInputException, NotFoundException, ConflictException, StorageException, ModelException,
    InvalidModelOutputException, BudgetExceededException {

  protected QuarryException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The stable taxonomy code, e.g. {@code invalid_input}. */
  public abstract ErrorCode code();
}
