package dev.quarry.runtime.rewrite;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatRole;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.runtime.text.Terms;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rewrite when no model is configured. A question is a follow-up when the conversation has an
 * earlier user message and the question either refers back (a pronoun or demonstrative such as
 * <i>it, they, this, those</i>, or it opens with <i>and, what about, how about, also, why</i>) or has
 * fewer than {@value #SHORT} content words. A follow-up is searched as the earlier question's
 * content words that it lacks, followed by the question itself: "How long does it last?" after
 * "How do I rotate kubeadm certificates?" becomes "rotate kubeadm certificates How long does it
 * last?". Any other question is searched as it is.
 */
public final class HeuristicRewriter implements QueryRewriter {

  static final int SHORT = 3;
  private static final Set<String> REFERRING = Set.of(
      "it", "its", "they", "them", "their", "theirs", "this", "that", "these", "those", "he", "she", "him", "her",
      "his", "hers", "there", "one", "ones", "former", "latter", "same");
  private static final Pattern OPENER = Pattern.compile("^(and|but|also|so|what about|how about|why|what else)\\b.*",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  @Override
  public Rewrite rewrite(String question, List<ChatMessage> history, Instant deadline) {
    String previous = previousQuestion(history);
    if (previous.isEmpty() || !followUp(question)) {
      return new Rewrite(question, TokenUsage.NONE);
    }
    Set<String> own = Terms.content(question);
    StringBuilder query = new StringBuilder();
    for (String t : Terms.content(previous)) {
      if (!own.contains(t)) {
        query.append(t).append(' ');
      }
    }
    return new Rewrite(query.append(question.strip()).toString(), TokenUsage.NONE);
  }

  static boolean followUp(String question) {
    if (OPENER.matcher(question.strip()).matches() || Terms.content(question).size() < SHORT) {
      return true;
    }
    for (String w : Terms.words(question.toLowerCase(Locale.ROOT))) {
      if (REFERRING.contains(w)) {
        return true;
      }
    }
    return false;
  }

  private static String previousQuestion(List<ChatMessage> history) {
    for (int i = history.size() - 1; i >= 0; i--) {
      if (history.get(i).role() == ChatRole.USER && !history.get(i).content().isBlank()) {
        return history.get(i).content();
      }
    }
    return "";
  }
}
