package dev.quarry.cli;

import dev.quarry.core.error.QuarryException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one place where failures become exit codes: 0 success, 1 unexpected failure, 2 invalid
 * input (picocli usage errors too), 3 not found, 4 conflict, 5 storage, 6 model provider unavailable,
 * 7 model provider rejected the request, 8 a release gate failed ({@code quarry eval --gate}: a pinned
 * metric dropped), 9 a model's answer broke the requested response format, 10 a budget refused the
 * call. The message goes to stderr as {@code quarry: <code>: <message>}.
 */
final class ExitCodes {

  static final int UNEXPECTED = 1;

  /** {@code quarry eval --gate}: a pinned metric dropped beyond its tolerance, or a pinned mode did not run. */
  static final int GATE_FAILED = 8;

  private ExitCodes() {}

  static int of(QuarryException e) {
    return switch (e.code()) {
      case INVALID_INPUT -> 2;
      case NOT_FOUND -> 3;
      case CONFLICT -> 4;
      case STORAGE -> 5;
      case UPSTREAM_UNAVAILABLE -> 6;
      case UPSTREAM_REJECTED -> 7;
      case INVALID_MODEL_OUTPUT -> 9;
      case BUDGET_EXCEEDED -> 10;
    };
  }

  static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    if (e instanceof QuarryException q) {
      err.println("quarry: " + q.code().wireName() + ": " + q.getMessage());
      err.flush();
      return of(q);
    }
    if (e instanceof IllegalArgumentException iae) {
      err.println("quarry: invalid_input: " + iae.getMessage());
      err.flush();
      return 2;
    }
    err.println("quarry: unexpected failure: " + e);
    e.printStackTrace(err);
    err.flush();
    return UNEXPECTED;
  }
}
