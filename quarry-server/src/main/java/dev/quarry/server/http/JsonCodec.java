package dev.quarry.server.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.quarry.server.error.ApiException;
import java.io.IOException;

/**
 * The API's JSON rules, in one mapper: snake_case field names, unknown fields rejected, no
 * coercion between types ({@code "5"} is not a number, {@code 5} is not a string), nulls refused
 * for primitives, duplicate fields refused, exactly one top-level value. Bodies are parsed from
 * text (already checked to be UTF-8), never from bytes. Binding errors carry the path that {@code
 * Problem} turns into a JSON pointer.
 */
public final class JsonCodec {

  /** Java names to wire names; also what the OpenAPI schemas of request bodies use. */
  private static final PropertyNamingStrategies.NamingBase NAMING = new PropertyNamingStrategies.SnakeCaseStrategy();

  private final ObjectMapper mapper;

  public JsonCodec() {
    JsonMapper m = JsonMapper.builder()
        .propertyNamingStrategy(NAMING)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .build();
    for (LogicalType t : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
      m.coercionConfigFor(t)
          .setCoercion(CoercionInputShape.Integer, t == LogicalType.Integer || t == LogicalType.Float ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, t == LogicalType.Float ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, t == LogicalType.Boolean ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(CoercionInputShape.String, t == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail);
    }
    this.mapper = m;
  }

  /** The wire name of a record component or bean property, e.g. {@code vector_weight}. */
  public String propertyName(String javaName) {
    return NAMING.translate(javaName);
  }

  /**
   * Binds {@code body}, one JSON value, to {@code type}; binding failures propagate for {@code
   * Problem} to map. Text without a value, or with anything after it, is invalid input.
   */
  public <T> T read(String body, Class<T> type) throws IOException {
    try (JsonParser p = mapper.createParser(body)) {
      requireValue(p);
      T value = mapper.readValue(p, type);
      requireEnd(p);
      return value;
    }
  }

  /** {@code body}, one JSON value, as a tree; as strict as {@link #read}. */
  public JsonNode tree(String body) throws IOException {
    try (JsonParser p = mapper.createParser(body)) {
      requireValue(p);
      JsonNode tree = mapper.readTree(p);
      requireEnd(p);
      return tree;
    }
  }

  private static void requireValue(JsonParser p) throws IOException {
    if (p.nextToken() == null) {
      throw ApiException.invalidAt("", "the body has no JSON value, only white space");
    }
  }

  private static void requireEnd(JsonParser p) throws IOException {
    if (p.nextToken() != null) {
      JsonLocation at = p.currentTokenLocation();
      throw ApiException.invalidAt("", "unexpected content after the JSON value at line "
          + at.getLineNr() + ", column " + at.getColumnNr());
    }
  }

  public byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a response: " + e.getOriginalMessage(), e);
    }
  }
}
