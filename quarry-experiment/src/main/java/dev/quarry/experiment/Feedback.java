package dev.quarry.experiment;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** A user's reaction to a response: a click on a document, a rating, or the dwell time on a document. */
public record Feedback(String requestId, Event event, Optional<String> docId, double value) {

  /** The kinds of feedback; {@code wireName} is the API's spelling. */
  public enum Event {
    CLICK, RATING, DWELL;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Feedback {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(event, "event");
    docId = docId == null ? Optional.empty() : docId;
  }
}
