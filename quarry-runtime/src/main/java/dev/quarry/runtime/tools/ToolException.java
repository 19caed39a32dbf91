package dev.quarry.runtime.tools;

/** A tool's expected failure; its message is what the model reads in the tool error. */
public final class ToolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ToolException(String message) {
    super(message, null, false, false);
  }
}
