package dev.quarry.llm.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.llm.schema.JsonSchemas.Compiled;
import dev.quarry.llm.schema.JsonSchemas.InvalidSchemaException;
import dev.quarry.llm.schema.JsonSchemas.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {

  static final String PERSON = """
      {"type":"object","properties":{
        "name":{"type":"string","minLength":1},
        "tags":{"type":"array","items":{"type":"string"}},
        "age":{"type":"integer","minimum":0}},
       "required":["name","age"],"additionalProperties":false}""";

  @Test
  void aValidValueHasNoViolations() {
    assertEquals(List.of(), JsonSchemas.compile(PERSON).validate("{\"name\":\"Ada\",\"age\":36,\"tags\":[\"x\"]}"));
  }

  @Test
  void violationsPointAtTheOffendingPartOfTheValue() {
    Compiled c = JsonSchemas.compile(PERSON);
    List<Violation> v = c.validate("{\"name\":\"Ada\",\"age\":-1,\"tags\":[\"x\",7]}");
    assertEquals(List.of("/age", "/tags/1"), v.stream().map(Violation::pointer).sorted().toList(), v.toString());
    assertTrue(v.stream().allMatch(x -> !x.message().isBlank() && !x.message().startsWith("/")), v.toString());
  }

  @Test
  void aMissingRequiredPropertyIsReportedAtItsObject() {
    List<Violation> v = JsonSchemas.compile(PERSON).validate("{\"name\":\"Ada\"}");
    assertEquals(1, v.size(), v.toString());
    assertEquals("", v.getFirst().pointer());
    assertTrue(v.getFirst().message().contains("age"), v.toString());
  }

  @Test
  void textThatIsNotJsonIsOneViolationAtTheRoot() {
    List<Violation> v = JsonSchemas.compile(PERSON).validate("{\"name\": \"Ada\", ");
    assertEquals(1, v.size());
    assertEquals("", v.getFirst().pointer());
    assertTrue(v.getFirst().message().startsWith("not JSON"), v.toString());
    assertTrue(JsonSchemas.compile(PERSON).validate("").getFirst().message().startsWith("not JSON"));
    String valid = "{\"name\":\"Ada\",\"age\":36}";
    assertEquals(List.of(), JsonSchemas.compile(PERSON).validate(" " + valid + "\n"));
    assertEquals(1, JsonSchemas.compile(PERSON).validate(valid + " and more").size(), "trailing text");
    assertEquals(1, JsonSchemas.compile(PERSON).validate(valid + "{}").size(), "a second value");
    assertEquals(1, JsonSchemas.compile(PERSON).validate("{\"name\":\"Ada\",\"age\":36,\"age\":-1}").size(),
        "a duplicate key");
    assertEquals(1, JsonSchemas.compile(PERSON).validate("```json\n" + valid + "\n```").size(), "a code fence");
  }

  @Test
  void draft2020KeywordsAreEnforced() {
    Compiled c = JsonSchemas.compile("""
        {"type":"array","prefixItems":[{"$ref":"#/$defs/n"}],"items":false,
         "$defs":{"n":{"type":"integer"}}}""");
    assertEquals(List.of(), c.validate("[1]"));
    assertEquals("/0", c.validate("[\"x\"]").getFirst().pointer());
    assertTrue(!c.validate("[1,2]").isEmpty(), "items:false after prefixItems refuses a second item");
  }

  @Test
  void aSchemaBreakingTheMetaSchemaIsRefusedWithAPointerIntoIt() {
    InvalidSchemaException e = assertThrows(InvalidSchemaException.class,
        () -> JsonSchemas.compile("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"strin\"}}}"));
    assertTrue(e.violations().stream().anyMatch(v -> v.pointer().equals("/properties/x/type")), e.violations().toString());
    e = assertThrows(InvalidSchemaException.class, () -> JsonSchemas.compile("{\"required\":\"name\"}"));
    assertEquals("/required", e.pointer(), e.violations().toString());
  }

  @Test
  void aSchemaMustBeAnObjectOfDraft2020() {
    assertEquals("", assertThrows(InvalidSchemaException.class, () -> JsonSchemas.compile("[1]")).pointer());
    assertThrows(InvalidSchemaException.class, () -> JsonSchemas.compile("{nope"));
    InvalidSchemaException e = assertThrows(InvalidSchemaException.class,
        () -> JsonSchemas.compile("{\"$schema\":\"http://json-schema.org/draft-07/schema#\"}"));
    assertEquals("/$schema", e.pointer());
    JsonSchemas.compile("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\"}");
  }

  @Test
  void referencesOutsideTheSchemaAreRefusedAndNeverFetched() {
    InvalidSchemaException e = assertThrows(InvalidSchemaException.class, () -> JsonSchemas.compile(
        "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"http://127.0.0.1:1/evil.json\"}}}"));
    assertEquals("/properties/a/$ref", e.pointer());
  }

  @Test
  void aSchemaThatCannotBeBuiltIsRefused() {
    assertThrows(InvalidSchemaException.class, () -> JsonSchemas.compile("{\"$ref\":\"#/$defs/missing\"}"));
    assertThrows(InvalidSchemaException.class, () -> JsonSchemas.compile("{\"type\":\"string\",\"pattern\":\"(\"}"));
  }

  @Test
  void schemasSharingAnIdDoNotSeeEachOther() {
    Compiled a = JsonSchemas.compile("{\"$id\":\"https://example.com/s\",\"type\":\"string\"}");
    Compiled b = JsonSchemas.compile("{\"$id\":\"https://example.com/s\",\"type\":\"integer\"}");
    assertEquals(List.of(), a.validate("\"x\""));
    assertEquals(List.of(), b.validate("3"));
    assertEquals(1, b.validate("\"x\"").size());
  }

  @Test
  void aDeclaredSchemaThatIsRefusedNamesItsOwnerAndWhere() {
    InvalidInputException array = assertThrows(InvalidInputException.class, () -> JsonSchemas.compile("[1]", "tool lookup"));
    assertTrue(array.getMessage().contains("tool lookup"), array.getMessage());
    InvalidInputException broken = assertThrows(InvalidInputException.class, () -> JsonSchemas.compile("{", "tool lookup"));
    assertTrue(broken.getMessage().contains("not JSON"), broken.getMessage());
    InvalidInputException typed = assertThrows(InvalidInputException.class,
        () -> JsonSchemas.compile("{\"type\":5}", "tool t"));
    assertTrue(typed.getMessage().contains("tool t") && typed.getMessage().contains("/type"), typed.getMessage());
  }
}
