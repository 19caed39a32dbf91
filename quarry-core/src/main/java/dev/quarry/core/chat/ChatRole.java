package dev.quarry.core.chat;

import java.util.Locale;

/** Who said a message, with the names OpenAI-style APIs use on the wire. */
public enum ChatRole {
  SYSTEM,
  USER,
  ASSISTANT,
  TOOL;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role for a wire name, or an {@link IllegalArgumentException} naming the allowed ones. */
  public static ChatRole fromWire(String name) {
    for (ChatRole r : values()) {
      if (r.wireName().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("role must be one of system, user, assistant, tool, got: " + name);
  }
}
