package dev.quarry.runtime.assemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quarry.llm.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenCountMemoTest {

  private static final String PASSAGE = "Cluster certificates expire after one year. ".repeat(10);

  /** The real BPE count, recording each text it was asked for. */
  private final List<String> asked = new ArrayList<>();
  private final TokenCounter bpe = TokenCounter.forModel("gpt-4o-mini");
  private final TokenCount counting = text -> {
    asked.add(text);
    return bpe.count(text);
  };

  @Test
  void aPassageIsCountedOncePerScopeAndModelWithTheSameCount() {
    TokenCountMemo memo = new TokenCountMemo(16);
    TokenCount a = memo.scoped("acme--docs", "small", counting);

    int first = a.count(PASSAGE);
    int again = memo.scoped("acme--docs", "small", counting).count(PASSAGE);

    assertEquals(bpe.count(PASSAGE), first);
    assertEquals(first, again);
    assertEquals(1, asked.size(), "counted once");
  }

  @Test
  void anotherTenantsCollectionsOrAnotherModelCountForThemselves() {
    TokenCountMemo memo = new TokenCountMemo(16);
    memo.scoped("acme--docs", "small", counting).count(PASSAGE);

    memo.scoped("globex--docs", "small", counting).count(PASSAGE);
    memo.scoped("acme--docs", "large", counting).count(PASSAGE);

    assertEquals(3, asked.size(), "no count crosses a tenant's collections or a model");
    assertEquals(3, memo.size());
  }

  @Test
  void shortTextsAreCountedEachTimeAndTheMemoStaysWithinItsCapacity() {
    TokenCountMemo memo = new TokenCountMemo(2);
    TokenCount a = memo.scoped("acme--docs", "small", counting);
    a.count("a short question");
    a.count("a short question");
    assertEquals(2, asked.size());
    assertEquals(0, memo.size());

    for (int i = 0; i < 5; i++) {
      a.count(PASSAGE + i);
    }
    assertEquals(2, memo.size());
    a.count(PASSAGE + 0);
    assertEquals(2 + 5 + 1, asked.size(), "the oldest entry was dropped and is counted again");
    assertThrows(IllegalArgumentException.class, () -> new TokenCountMemo(0));
  }
}
