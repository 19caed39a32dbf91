package dev.quarry.eval;

import java.util.Objects;

/**
 * A named configuration to evaluate, e.g. {@code hybrid}. The name is the run tag and part of the
 * run file name, so it is limited to letters, digits, '.', '_' and '-'.
 */
public record EvalMode(String name, SearchFunction search) {
  public EvalMode {
    if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "mode name must be letters, digits, '.', '_' or '-', got: '" + name + "'");
    }
    Objects.requireNonNull(search, "search");
  }
}
