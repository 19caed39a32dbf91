package dev.quarry.core.chat;

/** What a configured model can be asked for; the router skips models lacking a requested one. */
public enum ModelCapability {
  STREAMING,
  TOOLS,
  JSON_SCHEMA;

  /** What in a request needs it, for errors. */
  public String neededFor() {
    return switch (this) {
      case STREAMING -> "stream";
      case TOOLS -> "tools";
      case JSON_SCHEMA -> "response_format";
    };
  }

  /** The name in configuration and errors, e.g. {@code json_schema}. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
