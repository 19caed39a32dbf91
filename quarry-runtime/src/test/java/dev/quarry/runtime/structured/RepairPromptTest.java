package dev.quarry.runtime.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatRole;
import dev.quarry.core.chat.ResponseFormat;
import dev.quarry.llm.schema.JsonSchemas;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepairPromptTest {

  static final ResponseFormat PERSON = new ResponseFormat("person",
      "{\"type\":\"object\",\"properties\":{\"age\":{\"type\":\"integer\",\"minimum\":0}},\"required\":[\"age\"]}", true);

  @Test
  void theJsonInstructionJoinsTheLeadingSystemMessage() {
    List<ChatMessage> out = RepairPrompt.instructed(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")),
        PERSON);
    assertEquals(2, out.size());
    assertEquals("Be brief.\n\n" + RepairPrompt.JSON_ONLY, out.getFirst().content());
    assertEquals(ChatMessage.user("Hi"), out.get(1));
  }

  @Test
  void withoutASystemMessageTheInstructionIsOneAndJsonObjectAsksForAnObject() {
    List<ChatMessage> out = RepairPrompt.instructed(List.of(ChatMessage.user("Hi")), ResponseFormat.jsonObject());
    assertEquals(ChatRole.SYSTEM, out.getFirst().role());
    assertEquals(RepairPrompt.JSON_OBJECT, out.getFirst().content());
    assertTrue(out.getFirst().content().contains("JSON object"), "OpenAI's json_object mode needs the word JSON");
  }

  @Test
  void theRepairTurnEchoesTheAnswerAndListsEachViolationByPointer() {
    String answer = "{\"age\":-3}";
    List<JsonSchemas.Violation> wrong = JsonSchemas.compile(PERSON.schema()).validate(answer);
    assertEquals(1, wrong.size(), wrong.toString());
    List<ChatMessage> sent = List.of(ChatMessage.system("S"), ChatMessage.user("How old?"));
    List<ChatMessage> out = RepairPrompt.repair(sent, answer, wrong, PERSON);
    assertEquals(sent, out.subList(0, 2));
    assertEquals(ChatMessage.assistant(answer), out.get(2));
    ChatMessage ask = out.get(3);
    assertEquals(ChatRole.USER, ask.role());
    assertTrue(ask.content().contains("'person'"), ask.content());
    assertTrue(ask.content().contains("- /age: " + wrong.getFirst().message()), ask.content());
    assertTrue(ask.content().endsWith("Reply again with the whole corrected JSON only, nothing around it."));
  }

  @Test
  void aViolationOfTheWholeAnswerIsNamedSoAndAHugeAnswerIsCut() {
    String huge = "x".repeat(RepairPrompt.MAX_ECHO + 10);
    List<JsonSchemas.Violation> wrong = JsonSchemas.compile(PERSON.schema()).validate(huge);
    List<ChatMessage> out = RepairPrompt.repair(List.of(ChatMessage.user("q")), huge, wrong, PERSON);
    assertEquals(RepairPrompt.MAX_ECHO + 3, out.get(1).content().length());
    assertTrue(out.get(2).content().contains("- (the whole reply): not JSON"), out.get(2).content());
  }
}
