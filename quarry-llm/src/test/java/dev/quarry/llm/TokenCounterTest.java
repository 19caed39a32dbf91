package dev.quarry.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chat.ChatMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenCounterTest {

  @Test
  void openAiModelsGetTheirOwnEncodingAndOthersTheEstimate() {
    assertEquals("cl100k_base", TokenCounter.forModel("gpt-4").encodingName());
    assertEquals("o200k_base", TokenCounter.forModel("gpt-4o-mini").encodingName());
    assertEquals("o200k_base", TokenCounter.forModel("llama-3.1-8b-instruct").encodingName());
  }

  @Test
  void countsTokensNotCharactersOrWords() {
    TokenCounter c = TokenCounter.forModel("gpt-4o-mini");
    assertEquals(0, c.count(""));
    assertEquals(1, c.count("hello"));
    int n = c.count("Retrieval-augmented generation grounds answers in passages.");
    assertTrue(n > 6 && n < 20, "got " + n);
    assertTrue(c.count("<|endoftext|>") > 1, "a special token's text in a prompt is counted as text, not as the special token");
  }

  @Test
  void aPromptAddsTheChatFormatsOverheadPerMessage() {
    TokenCounter c = TokenCounter.forModel("gpt-4o-mini");
    List<ChatMessage> prompt = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Why?"));
    assertEquals(c.count("Be brief.") + c.count("Why?") + 2 * TokenCounter.PER_MESSAGE + TokenCounter.REPLY_PRIMING,
        c.countPrompt(prompt));
  }
}
