package dev.quarry.llm.wire;

import java.util.Objects;

/** One server-sent event: its {@code event:} type ({@code message} when none was sent) and its data lines joined by {@code \n}. */
public record SseEvent(String type, String data) {
  public SseEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
  }
}
