package dev.quarry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.index.StoredChunk;
import dev.quarry.core.search.Contribution;
import dev.quarry.core.search.Hit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The command line's JSON output: explicit field names in snake case, built from records here. */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise output: " + e.getMessage(), e);
    }
  }

  static Map<String, Object> hit(Hit hit, boolean withText) {
    StoredChunk c = hit.chunk();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.documentId());
    m.put("chunk_id", c.chunkId());
    m.put("score", hit.score());
    m.put("title", c.title());
    m.put("snippet", hit.snippet());
    if (withText) {
      m.put("text", c.text());
    }
    m.put("start", c.start());
    m.put("end", c.end());
    if (c.page() > 0) {
      m.put("page", c.page());
    }
    if (!c.headingPath().isEmpty()) {
      m.put("heading_path", c.headingPath());
    }
    if (!c.metadata().isEmpty()) {
      m.put("metadata", metadata(c.metadata()));
    }
    hit.explanation().ifPresent(e -> {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("fusion", e.fusion());
      x.put("fused_score", e.fusedScore());
      List<Map<String, Object>> parts = new ArrayList<>();
      for (Contribution p : e.contributions()) {
        parts.add(p.completed()
            ? Map.of("retriever", p.retriever(), "score", p.score(), "completed", true)
            : Map.of("retriever", p.retriever(), "rank", p.rank(), "score", p.score()));
      }
      x.put("retrievers", parts);
      m.put("explain", x);
    });
    return m;
  }

  static Map<String, Object> metadata(Metadata metadata) {
    Map<String, Object> out = new LinkedHashMap<>();
    metadata.values().forEach((k, v) -> out.put(k, switch (v) {
      case MetadataValue.Text t -> t.value();
      case MetadataValue.Number n -> n.exact();
      case MetadataValue.Bool b -> b.value();
      case MetadataValue.Date d -> d.value().toString();
      case MetadataValue.TextList l -> l.values();
    }));
    return out;
  }
}
