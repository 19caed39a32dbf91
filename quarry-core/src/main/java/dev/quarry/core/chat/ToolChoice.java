package dev.quarry.core.chat;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether and which tool a model must call: {@code auto} (it decides), {@code none}, {@code
 * required} (at least one), or the one named {@code function}.
 */
public record ToolChoice(Mode mode, Optional<String> function) {

  public enum Mode { AUTO, NONE, REQUIRED, FUNCTION }

  public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, Optional.empty());
  public static final ToolChoice NONE = new ToolChoice(Mode.NONE, Optional.empty());
  public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, Optional.empty());

  public ToolChoice {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(function, "function");
    if ((mode == Mode.FUNCTION) != function.isPresent()) {
      throw new IllegalArgumentException("a tool choice names a function exactly when its mode is function");
    }
  }

  public static ToolChoice function(String name) {
    return new ToolChoice(Mode.FUNCTION, Optional.of(name));
  }
}
