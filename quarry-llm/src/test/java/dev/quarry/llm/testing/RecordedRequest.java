package dev.quarry.llm.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A request a scripted server received: method, path, headers (names lower case) and body. */
public record RecordedRequest(String method, String path, Map<String, String> headers, String body) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public RecordedRequest {
    headers = Map.copyOf(headers);
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /** The body parsed as JSON. */
  public JsonNode json() {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("the recorded body is not JSON: " + body, e);
    }
  }

  /** Whether the client asked for a streamed answer ({@code "stream": true}). */
  public boolean streaming() {
    return !body.isEmpty() && json().path("stream").asBoolean(false);
  }
}
