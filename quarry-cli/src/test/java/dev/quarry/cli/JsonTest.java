package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void metadataKeepsItsJsonTypesInTheOutput() throws Exception {
    Metadata m = new Metadata(Map.of(
        "year", new MetadataValue.Number(2021),
        "ratio", new MetadataValue.Number(2021.0),
        "score", new MetadataValue.Number(0.5),
        "big", new MetadataValue.Number(new BigDecimal("12345678901234567890")),
        "open", new MetadataValue.Bool(true),
        "at", new MetadataValue.Date(Instant.parse("2024-05-01T10:15:30.123Z")),
        "tags", new MetadataValue.TextList(List.of("a", "b")),
        "lang", new MetadataValue.Text("en")));
    String json = Json.write(Json.metadata(m));
    JsonNode node = Json.MAPPER.readTree(json);
    assertEquals("2021", node.get("year").toString(), json);
    assertEquals("2021.0", node.get("ratio").toString(), json);
    assertEquals("0.5", node.get("score").toString(), json);
    assertEquals("12345678901234567890", node.get("big").toString(), json);
    assertEquals("true", node.get("open").toString(), json);
    assertEquals("\"2024-05-01T10:15:30.123Z\"", node.get("at").toString(), json);
    assertEquals("[\"a\",\"b\"]", node.get("tags").toString(), json);
    assertEquals("\"en\"", node.get("lang").toString(), json);
  }
}
