package dev.quarry.llm.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.InvalidInputException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {

  private static final String SEARCH = """
      {"type":"object","properties":{"query":{"type":"string","minLength":1},
       "k":{"type":"integer","minimum":1,"maximum":50},
       "tags":{"type":"array","items":{"type":"string"}}},
       "required":["query"],"additionalProperties":false}""";

  private static Set<String> pointers(List<JsonSchemas.Violation> v) {
    return v.stream().map(JsonSchemas.Violation::pointer).collect(Collectors.toSet());
  }

  @Test
  void aMatchingInstanceHasNoViolations() {
    assertEquals(List.of(), JsonSchemas.compile(SEARCH, "search").validate("{\"query\":\"otters\",\"k\":3}"));
  }

  @Test
  void violationsNameTheirJsonPointer() {
    List<JsonSchemas.Violation> v = JsonSchemas.compile(SEARCH, "search")
        .validate("{\"query\":\"otters\",\"k\":0,\"tags\":[\"a\",7]}");
    assertEquals(Set.of("/k", "/tags/1"), pointers(v), v.toString());
  }

  @Test
  void aMissingRequiredPropertyIsReportedAtTheRoot() {
    List<JsonSchemas.Violation> v = JsonSchemas.compile(SEARCH, "search").validate("{\"extra\":1}");
    assertTrue(v.stream().anyMatch(x -> x.pointer().isEmpty() && x.message().contains("query")), v.toString());
  }

  @Test
  void textThatIsNotJsonIsOneViolation() {
    List<JsonSchemas.Violation> v = JsonSchemas.compile(SEARCH, "search").validate("{\"query\":");
    assertEquals(1, v.size());
    assertTrue(v.getFirst().message().startsWith("not JSON"), v.toString());
  }

  @Test
  void draft2020KeywordsAreEnforced() {
    JsonSchemas.CompiledSchema tuple = JsonSchemas.compile(
        "{\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"number\"}],\"items\":false}", "pair");
    assertEquals(List.of(), tuple.validate("[\"a\",1]"));
    assertTrue(!tuple.validate("[\"a\",1,2]").isEmpty());
    assertEquals(Set.of("/0"), pointers(tuple.validate("[1,1]")));
  }

  @Test
  void aSchemaThatIsNotAnObjectIsRefusedNamingItsOwner() {
    InvalidInputException array = assertThrows(InvalidInputException.class, () -> JsonSchemas.compile("[1]", "tool lookup"));
    assertTrue(array.getMessage().contains("tool lookup"), array.getMessage());
    InvalidInputException broken = assertThrows(InvalidInputException.class, () -> JsonSchemas.compile("{", "tool lookup"));
    assertTrue(broken.getMessage().contains("not JSON"), broken.getMessage());
  }

  @Test
  void aSchemaThatBreaksTheMetaSchemaIsRefused() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> JsonSchemas.compile("{\"type\":5}", "tool t"));
    assertTrue(e.getMessage().contains("/type"), e.getMessage());
    assertEquals(List.of(), JsonSchemas.compile("{}", "anything").validate("[1]"));
  }

  @Test
  void remoteReferencesAreNotFetched() {
    JsonSchemas.CompiledSchema remote;
    try {
      remote = JsonSchemas.compile("{\"$ref\":\"http://127.0.0.1:9/never.json\"}", "remote");
    } catch (InvalidInputException refusedAtCompile) {
      return;
    }
    assertThrows(RuntimeException.class, () -> remote.validate("{}"));
  }
}
