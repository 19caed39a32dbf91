package dev.quarry.runtime.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.index.StoredChunk;
import dev.quarry.core.document.Metadata;
import dev.quarry.llm.TokenCounter;
import dev.quarry.runtime.assemble.Context;
import dev.quarry.runtime.assemble.Passage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The prompt's token bound by parts, against the exact count of the whole prompt. */
class PromptTest {

  /** Pieces whose joins a tokenizer may merge: words, digits, punctuation, spaces, newlines, non-Latin text. */
  private static final String[] PIECES = {"the", " cell", "s", "Cells", " 42", "7", ".", ",", ";", ")", "(", "%", " ",
      "  ", "\n", "\n\n", "-", "IL-6", "’s", "'s", "\u00e9t\u00e9", "\u6771\u4eac", "\ud83d\ude00", "[", "]", ":", "\t"};

  private static String text(Random random, int pieces) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < pieces; i++) {
      b.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return b.toString();
  }

  @Test
  void theBoundByPartsIsNeverBelowTheWholePromptsCountAndCloseToIt() {
    for (String model : List.of("gpt-4o-mini", "gpt-4")) { // o200k_base and cl100k_base
      TokenCounter tokens = TokenCounter.forModel(model);
      Random random = new Random(8);
      for (int trial = 0; trial < 300; trial++) {
        List<Passage> passages = new ArrayList<>();
        int n = 1 + random.nextInt(5);
        for (int i = 1; i <= n; i++) {
          String text = text(random, 1 + random.nextInt(60));
          String title = random.nextBoolean() ? "" : text(random, 1 + random.nextInt(6));
          passages.add(new Passage(i, "docs", new StoredChunk("d" + i + "#0", "d" + i, 0, title, text, 0, text.length(),
              0, List.of(), Metadata.empty()), tokens.count(text)));
        }
        List<ChatMessage> history = random.nextBoolean() ? List.of()
            : List.of(ChatMessage.user(text(random, 8)), ChatMessage.assistant(text(random, 8)));
        GenerationInput in = new GenerationInput(text(random, 10), new Context(passages, 0, 0, 0), history,
            OptionalInt.empty(), OptionalDouble.empty(), Instant.now().plusSeconds(10), Map.of());
        Prompt.Counted counted = Prompt.counted(in, tokens);
        assertEquals(Prompt.messages(in), counted.messages(), "the same messages, counted or not");
        int exact = tokens.countPrompt(counted.messages());
        assertTrue(counted.tokensAtMost() >= exact, model + ": bound " + counted.tokensAtMost() + " < exact " + exact
            + " for " + counted.messages());
        int cuts = 2 * n; // before and after each passage's text
        assertTrue(counted.tokensAtMost() <= exact + 3L * cuts, model + ": bound "
            + counted.tokensAtMost() + " is more than 3 tokens per cut above " + exact);
      }
    }
  }
}
