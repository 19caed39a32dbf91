package dev.quarry.server.error;

import java.util.Map;
import java.util.Objects;

/**
 * A failure raised by the HTTP layer itself: an edge code ({@link ServerErrorCode}), or invalid input
 * that points at the offending field of the body with a JSON pointer ({@code details.pointer}) or
 * names the offending query parameter ({@code details.parameter}).
 */
public final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Problem problem;

  private ApiException(Problem problem) {
    super(problem.message(), null, false, false);
    this.problem = problem;
  }

  /** Not found (404 {@code not_found}), with {@code details} for the client, e.g. a compatible API's own code. */
  public static ApiException notFound(String message, Map<String, Object> details) {
    dev.quarry.core.error.ErrorCode c = dev.quarry.core.error.ErrorCode.NOT_FOUND;
    return new ApiException(new Problem(Problem.statusOf(c), c.wireName(), message, c.retryable(), details));
  }

  public static ApiException of(ServerErrorCode code, String message) {
    return new ApiException(Problem.of(code, message, Map.of()));
  }

  /** Invalid input at {@code pointer} (RFC 6901, e.g. {@code /filter/all_of/0/term}). */
  public static ApiException invalidAt(String pointer, String message) {
    Objects.requireNonNull(pointer, "pointer");
    String where = pointer.isEmpty() ? "the body" : pointer;
    return new ApiException(Problem.invalidInput(message + " (at " + where + ")", Map.of("pointer", pointer)));
  }

  /** Invalid input in query parameter {@code name}: the message names it, {@code details.parameter} too. */
  public static ApiException invalidParameter(String name, String message) {
    Objects.requireNonNull(name, "name");
    return new ApiException(Problem.invalidInput(message, Map.of("parameter", name)));
  }

  /**
   * Invalid input on line {@code line} (1-based) of a line-oriented body such as JSONL: the
   * failure's own message and pointer, prefixed with the line.
   */
  public static ApiException invalidLine(int line, Throwable failure) {
    Problem p = Problem.of(failure);
    Map<String, Object> details = new java.util.LinkedHashMap<>(p.details());
    details.put("line", line);
    return new ApiException(new Problem(p.status(), p.code(), "line " + line + ": " + p.message(), p.retryable(), details));
  }

  public Problem problem() {
    return problem;
  }
}
