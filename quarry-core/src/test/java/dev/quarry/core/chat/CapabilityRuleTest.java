package dev.quarry.core.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quarry.core.error.InvalidInputException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapabilityRuleTest {

  static final ToolSpec TOOL = new ToolSpec("search", "Search", "{\"type\":\"object\"}");

  static ChatRequest request(boolean tools, boolean format) {
    return new ChatRequest(List.of(ChatMessage.user("hi")), OptionalInt.empty(), OptionalDouble.empty(),
        tools ? List.of(TOOL) : List.of(), format ? Optional.of(ResponseFormat.jsonObject()) : Optional.empty(),
        Instant.EPOCH);
  }

  static ChatModelInfo model(ModelCapability... capabilities) {
    return new ChatModelInfo("m", "p", "up", 1000, Set.of(capabilities));
  }

  @Test
  void aRequestNeedsToolsForToolsAndJsonSchemaForAResponseFormat() {
    assertEquals(Set.of(), request(false, false).needs());
    assertEquals(Set.of(ModelCapability.TOOLS), request(true, false).needs());
    assertEquals(Set.of(ModelCapability.JSON_SCHEMA), request(false, true).needs());
    assertEquals(Set.of(ModelCapability.TOOLS, ModelCapability.JSON_SCHEMA), request(true, true).needs());
  }

  @Test
  void aModelLacksWhatTheRequestNeedsAndItDoesNotHave() {
    ChatRequest both = request(true, true);
    assertEquals(Set.of(ModelCapability.TOOLS, ModelCapability.JSON_SCHEMA), model().lacking(both.needs()));
    assertEquals(Set.of(ModelCapability.JSON_SCHEMA), model(ModelCapability.TOOLS).lacking(both.needs()));
    assertEquals(Set.of(), model(ModelCapability.TOOLS, ModelCapability.JSON_SCHEMA).lacking(both.needs()));
    model(ModelCapability.JSON_SCHEMA).require(request(false, true).needs());
  }

  @Test
  void refusingNamesTheModelAndEachMissingCapabilityWithWhatNeedsIt() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> model(ModelCapability.STREAMING).require(request(true, true).needs()));
    assertEquals("model 'm' cannot honour this request: it lacks the tools capability (needed for tools) and the "
        + "json_schema capability (needed for response_format)", e.getMessage());
  }
}
