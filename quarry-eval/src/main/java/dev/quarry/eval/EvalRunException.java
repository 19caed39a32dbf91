package dev.quarry.eval;

/** A search function failed (threw, or returned null) on one query of one mode; the cause is kept. */
public final class EvalRunException extends RuntimeException {

  private final String mode;
  private final String queryId;

  EvalRunException(String mode, String queryId, String problem, Throwable cause) {
    super("mode '" + mode + "' failed on query '" + queryId + "': " + problem, cause);
    this.mode = mode;
    this.queryId = queryId;
  }

  public String mode() {
    return mode;
  }

  public String queryId() {
    return queryId;
  }
}
