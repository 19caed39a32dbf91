package dev.quarry.runtime.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quarry.core.chat.ChatMessage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeuristicRewriterTest {

  private final HeuristicRewriter rewriter = new HeuristicRewriter();
  private final List<ChatMessage> history = List.of(ChatMessage.user("How do I rotate kubeadm certificates?"),
      ChatMessage.assistant("Run kubeadm certs renew [1]."));

  private String rewrite(String question, List<ChatMessage> history) {
    return rewriter.rewrite(question, history, Instant.MAX).query();
  }

  @Test
  void aQuestionThatRefersBackBorrowsThePreviousQuestionsContentWords() {
    assertEquals("rotate kubeadm certificates How long does it last?", rewrite("How long does it last?", history));
    assertEquals("rotate certificates And with kubeadm alpha?", rewrite("And with kubeadm alpha?", history));
  }

  @Test
  void aStandaloneQuestionOrAFirstQuestionIsSearchedAsItIs() {
    assertEquals("Which ports does the etcd cluster listen on?",
        rewrite("Which ports does the etcd cluster listen on?", history));
    assertEquals("How long does it last?", rewrite("How long does it last?", List.of()));
  }
}
