package dev.quarry.llm.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Optional;

/**
 * A streamed chunk of the common shape, read token by token instead of as a tree (there is one per
 * streamed token): an object whose {@code model} is text or null, whose {@code choices} is an
 * array that is empty or starts with an object, whose first choice's {@code delta} (an object or
 * null) has {@code content} text or null and {@code tool_calls} null or absent, whose {@code
 * finish_reason} is text or null, with no {@code error} and a null or absent {@code usage}; other
 * fields are skipped. Anything else (tool calls, usage, an error, a repeated field, another type,
 * text that is not JSON or goes on after the object) is {@link Optional#empty()}, and the caller
 * reads that chunk as a tree, so what a chunk means is decided in one place ({@link
 * OpenAiChatProtocol#readStream}).
 *
 * @param model the {@code model} field's text; null when null or absent
 * @param hasChoice whether {@code choices} starts with an object
 * @param content the first choice's {@code delta.content}, "" when null or absent
 * @param finish the first choice's {@code finish_reason}; null when null or absent
 */
record PlainChunk(String model, boolean hasChoice, String content, String finish) {

  /** {@code data} read as a chunk of the common shape; empty when it is anything else. */
  static Optional<PlainChunk> read(String data) {
    try (JsonParser p = OpenAiChatProtocol.JSON.getFactory().createParser(data)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      String model = null;
      Choice choice = Choice.NONE;
      int seen = 0;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        int bit = switch (name) {
          case "model" -> 1;
          case "choices" -> 2;
          case "usage" -> 4;
          case "error" -> -1;
          default -> 0;
        };
        if (bit < 0 || (seen & bit) != 0) {
          return Optional.empty();
        }
        seen |= bit;
        switch (bit) {
          case 1 -> {
            if (v == JsonToken.VALUE_STRING) {
              model = p.getText();
            } else if (v != JsonToken.VALUE_NULL) {
              return Optional.empty();
            }
          }
          case 2 -> {
            if (v != JsonToken.START_ARRAY) {
              return Optional.empty();
            }
            choice = choices(p);
            if (choice == null) {
              return Optional.empty();
            }
          }
          case 4 -> {
            if (v != JsonToken.VALUE_NULL) {
              return Optional.empty();
            }
          }
          default -> p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        return Optional.empty();
      }
      return Optional.of(new PlainChunk(model, choice != Choice.NONE, choice.content(), choice.finish()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The first choice's fields; {@link #NONE} when there is no first choice. */
  private record Choice(String content, String finish) {
    static final Choice NONE = new Choice("", null);
  }

  /** The array after its start: its first element as a choice, the rest skipped; null if not plain. */
  private static Choice choices(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.END_ARRAY) {
      return Choice.NONE;
    }
    if (t != JsonToken.START_OBJECT) {
      return null;
    }
    Choice first = choice(p);
    if (first == null) {
      return null;
    }
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        return null;
      }
      p.skipChildren();
    }
    return first;
  }

  /** A choice after its start, up to its end; null if not plain. */
  private static Choice choice(JsonParser p) throws IOException {
    String content = "";
    String finish = null;
    int seen = 0;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "delta" -> {
          if ((seen & 1) != 0) {
            return null;
          }
          seen |= 1;
          if (v == JsonToken.START_OBJECT) {
            content = delta(p);
            if (content == null) {
              return null;
            }
          } else if (v != JsonToken.VALUE_NULL) {
            return null;
          }
        }
        case "finish_reason" -> {
          if ((seen & 2) != 0) {
            return null;
          }
          seen |= 2;
          if (v == JsonToken.VALUE_STRING) {
            finish = p.getText();
          } else if (v != JsonToken.VALUE_NULL) {
            return null;
          }
        }
        default -> p.skipChildren();
      }
    }
    return t == JsonToken.END_OBJECT ? new Choice(content, finish) : null;
  }

  /** A delta after its start, up to its end: its content, "" when null or absent; null if not plain. */
  private static String delta(JsonParser p) throws IOException {
    String content = "";
    int seen = 0;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "content" -> {
          if ((seen & 1) != 0) {
            return null;
          }
          seen |= 1;
          if (v == JsonToken.VALUE_STRING) {
            content = p.getText();
          } else if (v != JsonToken.VALUE_NULL) {
            return null;
          }
        }
        case "tool_calls" -> {
          if (v != JsonToken.VALUE_NULL) {
            return null;
          }
        }
        default -> p.skipChildren();
      }
    }
    return t == JsonToken.END_OBJECT ? content : null;
  }
}
