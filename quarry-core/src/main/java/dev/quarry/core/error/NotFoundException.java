package dev.quarry.core.error;

/** See {@link ErrorCode#NOT_FOUND}. */
public final class NotFoundException extends QuarryException {
  public NotFoundException(String message) {
    super(message, null);
  }

  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorCode code() {
    return ErrorCode.NOT_FOUND;
  }
}
