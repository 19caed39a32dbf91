package dev.quarry.llm.wire;

import java.util.Optional;

/**
 * Server-sent events from an {@link UpstreamCall}'s body, as the HTML standard parses them: fields
 * {@code event} and {@code data} (one leading space after the colon dropped, data lines joined by
 * {@code \n}), comments and other fields ignored, an event dispatched at a blank line. An event
 * not finished by a blank line when the body ends is dropped, as the standard says.
 */
public final class SseReader {

  private final UpstreamCall call;

  public SseReader(UpstreamCall call) {
    this.call = call;
  }

  /** The next event; empty when the body has ended. */
  public Optional<SseEvent> next() {
    String type = "";
    StringBuilder data = null;
    while (true) {
      Optional<String> read = call.nextLine();
      if (read.isEmpty()) {
        return Optional.empty();
      }
      String line = read.get();
      if (line.isEmpty()) {
        if (data != null) {
          return Optional.of(new SseEvent(type.isEmpty() ? "message" : type, data.toString()));
        }
        type = "";
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> type = value;
        case "data" -> {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
        default -> { }
      }
    }
  }
}
