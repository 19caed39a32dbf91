package dev.quarry.ingest.parse;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.parse.ParseOutcome.Rejected;
import dev.quarry.core.parse.Parser;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Parses a BEIR corpus file: one JSON object per line, {@code {"_id": "...", "title": "...",
 * "text": "...", "metadata": {...}}}, each line a document. A bad line is rejected as {@code
 * name:LINE} and parsing goes on with the next; blank lines are skipped; a file without any
 * document is rejected as a whole. Compressed corpora ({@code .jsonl.gz}) are decompressed by
 * {@link ParserRegistry}.
 *
 * <p>Rules: {@code _id} is a required non-blank string, {@code text} a required string, {@code
 * title} an optional string; other top-level fields are ignored. Each line is at most {@link
 * IngestLimits#maxSourceBytes()} bytes of strict UTF-8 (an invalid byte is reported with its
 * offset in the file) and its text at most {@link IngestLimits#maxDocumentChars()} characters.
 * Duplicate fields and trailing content after the object reject the line.
 *
 * <p>Decisions: a record with a blank {@code text} but a non-blank {@code title} keeps the title
 * as its text (BEIR evaluation embeds title and text together, and corpora such as TREC-COVID have
 * title-only records; dropping them would change scores); blank both is an empty document. In
 * {@code metadata}, a string becomes {@link MetadataValue.Text}, or {@link MetadataValue.Date} when
 * the whole string is an ISO-8601 instant, offset date-time, local date-time (taken as UTC) or
 * date (midnight UTC); a number becomes {@link MetadataValue.Number} (an integer stays an integer); a
 * boolean becomes {@link MetadataValue.Bool}; an array of strings and numbers
 * becomes a {@link MetadataValue.TextList}. A {@code null}, a nested object or an array holding
 * anything else is skipped (the key is dropped, the document kept): metadata is auxiliary, and
 * losing a whole document over one exotic field is the worse failure.
 */
public final class BeirJsonlParser implements Parser {

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private final IngestLimits limits;

  public BeirJsonlParser(IngestLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  @Override
  public void parse(String name, InputStream in, Consumer<ParseOutcome> sink) throws IOException {
    LineReader lines = new LineReader(in, limits.maxSourceBytes());
    StrictUtf8 utf8 = new StrictUtf8();
    boolean anyRecord = false;
    while (lines.next()) {
      String location = name + ":" + lines.lineNumber();
      if (lines.overlong()) {
        anyRecord = true;
        sink.accept(new Rejected(location, SourceText.tooManyBytes("line", limits)));
        continue;
      }
      switch (utf8.decode(lines.bytes(), 0, lines.length())) {
        case StrictUtf8.Invalid(int at) -> {
          anyRecord = true;
          sink.accept(new Rejected(location, SourceText.invalidUtf8(lines.lineOffset() + at)));
        }
        case StrictUtf8.Text(String text) -> {
          String line = lines.lineNumber() == 1 ? StrictUtf8.withoutByteOrderMark(text) : text;
          if (!line.isBlank()) {
            anyRecord = true;
            sink.accept(record(name, location, line));
          }
        }
      }
    }
    if (!anyRecord) {
      sink.accept(new Rejected(name, "no documents: the JSONL file has no non-blank line"));
    }
  }

  private ParseOutcome record(String name, String location, String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JacksonException e) {
      return new Rejected(location, "malformed JSON: " + describe(e));
    }
    if (!node.isObject()) {
      return new Rejected(location, "expected a JSON object, got " + kind(node));
    }
    Optional<String> problem =
        requireString(node, "_id").or(() -> requireString(node, "text")).or(() -> optionalString(node, "title"));
    if (problem.isPresent()) {
      return new Rejected(location, problem.get());
    }
    String id = node.get("_id").textValue();
    if (id.isBlank()) {
      return new Rejected(location, "'_id' must not be blank");
    }
    JsonNode metadata = node.path("metadata");
    if (!metadata.isMissingNode() && !metadata.isNull() && !metadata.isObject()) {
      return new Rejected(location, "'metadata' must be an object, got " + kind(metadata));
    }
    String title = node.path("title").isTextual() ? node.get("title").textValue() : "";
    String text = node.get("text").textValue();
    if (text.isBlank() && !title.isBlank()) {
      text = title;
    }
    Optional<String> tooBig = SourceText.problem(text, limits);
    if (tooBig.isPresent()) {
      return new Rejected(location, tooBig.get() + " ('_id' " + id + ")");
    }
    return new ParseOutcome.Parsed(
        new Document(id, title.strip(), text, metadata(metadata), List.of(), List.of(), name));
  }

  private static Optional<String> requireString(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.of("missing required field '" + field + "'");
    }
    return value.isTextual()
        ? Optional.empty()
        : Optional.of("'" + field + "' must be a string, got " + kind(value));
  }

  private static Optional<String> optionalString(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() || value.isTextual()
        ? Optional.empty()
        : Optional.of("'" + field + "' must be a string, got " + kind(value));
  }

  private static Metadata metadata(JsonNode object) {
    if (!object.isObject()) {
      return Metadata.empty();
    }
    Map<String, MetadataValue> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (!field.getKey().isBlank()) {
        value(field.getValue()).ifPresent(v -> values.put(field.getKey(), v));
      }
    }
    return values.isEmpty() ? Metadata.empty() : new Metadata(values);
  }

  private static Optional<MetadataValue> value(JsonNode node) {
    if (node.isTextual()) {
      String s = node.textValue();
      return Optional.of(date(s).<MetadataValue>map(MetadataValue.Date::new).orElse(new MetadataValue.Text(s)));
    }
    if (node.isNumber()) {
      try {
        return Optional.of(node.isIntegralNumber()
            ? new MetadataValue.Number(new BigDecimal(node.bigIntegerValue()))
            : new MetadataValue.Number(node.doubleValue()));
      } catch (IllegalArgumentException notFinite) {
        return Optional.of(new MetadataValue.Text(node.asText()));
      }
    }
    if (node.isBoolean()) {
      return Optional.of(new MetadataValue.Bool(node.booleanValue()));
    }
    if (node.isArray()) {
      List<String> items = new ArrayList<>(node.size());
      for (JsonNode item : node) {
        if (!item.isTextual() && !item.isNumber()) {
          return Optional.empty();
        }
        items.add(item.asText());
      }
      return Optional.of(new MetadataValue.TextList(items));
    }
    return Optional.empty();
  }

  /** The instant a whole string denotes in ISO-8601, if it is one. */
  static Optional<Instant> date(String s) {
    if (s.length() < 10 || !Character.isDigit(s.charAt(0)) || s.charAt(4) != '-') {
      return Optional.empty();
    }
    try {
      if (s.length() == 10) {
        return Optional.of(LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant());
      }
      if (s.endsWith("Z") || s.endsWith("z")) {
        return Optional.of(Instant.parse(s));
      }
      try {
        return Optional.of(OffsetDateTime.parse(s).toInstant());
      } catch (DateTimeParseException noOffset) {
        return Optional.of(LocalDateTime.parse(s).toInstant(ZoneOffset.UTC));
      }
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case BOOLEAN -> "a boolean";
      case NUMBER -> "a number";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NULL -> "null";
      case BINARY, POJO, MISSING -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String describe(JacksonException e) {
    String message = e.getOriginalMessage();
    int newline = message.indexOf('\n');
    String first = newline < 0 ? message : message.substring(0, newline);
    return e.getLocation() == null || e.getLocation().getColumnNr() < 1
        ? first
        : first + " (column " + e.getLocation().getColumnNr() + ")";
  }
}
