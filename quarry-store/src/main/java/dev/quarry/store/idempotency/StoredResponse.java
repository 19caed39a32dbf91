package dev.quarry.store.idempotency;

import dev.quarry.core.error.InvalidInputException;
import java.util.Objects;

/** The response first given to an idempotent request: HTTP status and body (JSON text). */
public record StoredResponse(int status, String body) {

  public static final int MAX_BODY_LENGTH = 1 << 20;

  public StoredResponse {
    Objects.requireNonNull(body, "body");
    if (status < 100 || status > 599) {
      throw new InvalidInputException("response status must be in 100..599, got: " + status);
    }
    if (body.length() > MAX_BODY_LENGTH) {
      throw new InvalidInputException(
          "stored response body must be at most " + MAX_BODY_LENGTH + " characters, got: " + body.length());
    }
    if (body.indexOf('\0') >= 0) {
      throw new InvalidInputException("stored response body must not contain NUL characters");
    }
  }
}
