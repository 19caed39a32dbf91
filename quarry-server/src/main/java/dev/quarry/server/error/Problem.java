package dev.quarry.server.error;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.quarry.core.error.BudgetExceededException;
import dev.quarry.core.error.ErrorCode;
import dev.quarry.core.error.InvalidModelOutputException;
import dev.quarry.core.error.QuarryException;
import java.util.Map;
import java.util.Objects;

/**
 * A failure as the client sees it: HTTP status, stable code, message, whether retrying may help,
 * and details. {@link #of(Throwable)} is the ONE place where failures become statuses: core codes by
 * an exhaustive switch, edge codes by {@link ServerErrorCode}, JSON binding errors as invalid input
 * with the JSON pointer of the offending field. Anything else is {@code internal} and its message
 * is not shown (it may hold paths or data).
 */
public record Problem(int status, String code, String message, boolean retryable, Map<String, Object> details) {

  public Problem {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    details = Map.copyOf(details);
  }

  public static int statusOf(ErrorCode code) {
    return switch (code) {
      case INVALID_INPUT -> 400;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case STORAGE -> 503;
      case UPSTREAM_UNAVAILABLE -> 503;
      case UPSTREAM_REJECTED -> 502;
      case INVALID_MODEL_OUTPUT -> 502;
      case BUDGET_EXCEEDED -> 429;
    };
  }

  public static Problem of(ErrorCode code, String message) {
    return new Problem(statusOf(code), code.wireName(), message, code.retryable(), Map.of());
  }

  public static Problem of(ServerErrorCode code, String message, Map<String, Object> details) {
    return new Problem(code.status(), code.wireName(), message, code.retryable(), details);
  }

  static Problem invalidInput(String message, Map<String, Object> details) {
    ErrorCode c = ErrorCode.INVALID_INPUT;
    return new Problem(statusOf(c), c.wireName(), message, c.retryable(), details);
  }

  /** Maps any failure of a request. */
  public static Problem of(Throwable failure) {
    return switch (failure) {
      case ApiException a -> a.problem();
      case InvalidModelOutputException i -> new Problem(statusOf(i.code()), i.code().wireName(), i.getMessage(),
          i.code().retryable(), Map.of("model", i.model(), "errors", i.violations().stream()
              .map(v -> Map.of("pointer", v.pointer(), "message", v.message())).toList()));
      case BudgetExceededException b -> budget(b);
      case QuarryException q -> of(q.code(), q.getMessage());
      case JsonMappingException m when m.getCause() instanceof JsonProcessingException p -> malformed(p, pointer(m));
      case JsonMappingException m -> json(m);
      case JsonProcessingException p -> malformed(p, "");
      case IllegalArgumentException i -> of(ErrorCode.INVALID_INPUT, i.getMessage());
      default -> of(ServerErrorCode.INTERNAL, "internal error; see the server log for this request id", Map.of());
    };
  }

  /**
   * {@code budget_exceeded}: which limit refused ({@code details.budget}) and, for a limit that
   * resets, when ({@code details.reset_at}, and {@code details.retry_after_seconds}, which the
   * router also sends as {@code Retry-After}).
   */
  private static Problem budget(BudgetExceededException b) {
    Map<String, Object> details = new java.util.LinkedHashMap<>();
    details.put("budget", b.budget());
    b.resetAt().ifPresent(at -> {
      details.put("reset_at", at.toString());
      details.put(RETRY_AFTER_SECONDS, Math.max(1, java.time.Duration.between(java.time.Instant.now(), at).toSeconds() + 1));
    });
    ErrorCode c = b.code();
    return new Problem(statusOf(c), c.wireName(), b.getMessage(), b.resetAt().isPresent(), details);
  }

  /** The detail whose value the router sends as the {@code Retry-After} header (seconds). */
  public static final String RETRY_AFTER_SECONDS = "retry_after_seconds";

  /**
   * JSON that cannot be read: where the parser stopped (line and column of the body's text), and
   * the field it was in when known.
   */
  private static Problem malformed(JsonProcessingException p, String pointer) {
    String what = switch (p) {
      // e.g. "Document nesting depth (1001) exceeds the maximum allowed (1000)", without Jackson's names
      case StreamConstraintsException c -> "JSON beyond the server's limits: "
          + c.getOriginalMessage().replaceAll(", from `[^`]*`", "");
      case InputCoercionException c -> "number out of range: " + c.getOriginalMessage();
      default -> "malformed JSON: " + p.getOriginalMessage();
    };
    JsonLocation at = p.getLocation();
    Map<String, Object> details = new java.util.LinkedHashMap<>();
    details.put("pointer", pointer);
    String where = "";
    if (at != null && at.getLineNr() > 0) {
      where = " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      details.put("line", at.getLineNr());
      details.put("column", at.getColumnNr());
    }
    if (!pointer.isEmpty()) {
      where += where.isEmpty() ? " at " + pointer : " (in " + pointer + ")";
    }
    return invalidInput(what + where, details);
  }

  private static Problem json(JsonMappingException m) {
    String pointer = pointer(m);
    String what = switch (m) {
      case com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u -> "unknown field '" + u.getPropertyName() + "'";
      case com.fasterxml.jackson.databind.exc.InvalidFormatException f -> "invalid value " + quote(f.getValue())
          + ", expected " + simpleType(f.getTargetType());
      case com.fasterxml.jackson.databind.exc.MismatchedInputException mi -> "wrong type, expected "
          + simpleType(mi.getTargetType());
      default -> "invalid JSON: " + m.getOriginalMessage();
    };
    return invalidInput(what + " (at " + (pointer.isEmpty() ? "the body" : pointer) + ")", Map.of("pointer", pointer));
  }

  private static String quote(Object value) {
    return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
  }

  private static String simpleType(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (type.isEnum()) {
      StringBuilder sb = new StringBuilder("one of ");
      Object[] constants = type.getEnumConstants();
      for (int i = 0; i < constants.length; i++) {
        sb.append(i == 0 ? "" : ", ").append(constants[i].toString().toLowerCase(java.util.Locale.ROOT));
      }
      return sb.toString();
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    return "an object";
  }

  /** The JSON pointer of a binding error's path, e.g. {@code /scopes/1}. */
  static String pointer(JsonMappingException m) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : m.getPath()) {
      sb.append('/');
      if (r.getFieldName() != null) {
        sb.append(r.getFieldName().replace("~", "~0").replace("/", "~1"));
      } else if (r.getIndex() >= 0) {
        sb.append(r.getIndex());
      }
    }
    return sb.toString();
  }
}
