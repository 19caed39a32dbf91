package dev.quarry.core.chat;

/** What a configured model can be asked for; the router skips models lacking a requested one. */
public enum ModelCapability {
  STREAMING,
  TOOLS,
  JSON_SCHEMA
}
