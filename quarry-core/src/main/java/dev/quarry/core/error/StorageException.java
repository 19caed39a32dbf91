package dev.quarry.core.error;

/** See {@link ErrorCode#STORAGE}. */
public final class StorageException extends QuarryException {
  public StorageException(String message) {
    super(message, null);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorCode code() {
    return ErrorCode.STORAGE;
  }
}
