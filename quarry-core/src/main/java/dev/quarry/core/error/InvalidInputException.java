package dev.quarry.core.error;

/** See {@link ErrorCode#INVALID_INPUT}. */
public final class InvalidInputException extends QuarryException {
  public InvalidInputException(String message) {
    super(message, null);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorCode code() {
    return ErrorCode.INVALID_INPUT;
  }
}
