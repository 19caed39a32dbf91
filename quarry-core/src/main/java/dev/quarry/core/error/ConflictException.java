package dev.quarry.core.error;

/** See {@link ErrorCode#CONFLICT}. */
public final class ConflictException extends QuarryException {
  public ConflictException(String message) {
    super(message, null);
  }

  public ConflictException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorCode code() {
    return ErrorCode.CONFLICT;
  }
}
