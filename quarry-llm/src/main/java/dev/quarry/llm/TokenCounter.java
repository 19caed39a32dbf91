package dev.quarry.llm;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ToolCall;
import java.util.List;
import java.util.Objects;

/**
 * Counts tokens the way a model's tokenizer would, for when a provider reports none (a stream cut
 * short) and for token budgets. OpenAI models known to jtokkit get their own byte-pair encoding;
 * every other model (Llama, Mistral, Claude, ...) is counted with {@code o200k_base}, a modern BPE
 * of similar granularity: an estimate, which {@link dev.quarry.core.chat.TokenUsage#counted()} marks.
 * The encodings ship inside jtokkit's jar; each is loaded once, on the first count (it takes a
 * second or more: building a catalog does not pay it).
 */
public final class TokenCounter {

  /** Tokens a chat format adds per message (role and separators), as OpenAI documents for its models. */
  static final int PER_MESSAGE = 3;
  /** {@value #PER_MESSAGE}, for estimates made elsewhere. */
  public static final int PER_MESSAGE_TOKENS = PER_MESSAGE;
  /** Tokens that prime the assistant's reply. */
  static final int REPLY_PRIMING = 3;
  /** {@value #REPLY_PRIMING}, for estimates made elsewhere. */
  public static final int REPLY_PRIMING_TOKENS = REPLY_PRIMING;

  private static final class Registry {
    static final EncodingRegistry INSTANCE = Encodings.newLazyEncodingRegistry();
  }

  private final String upstreamModel;
  private volatile Encoding encoding;

  private TokenCounter(String upstreamModel) {
    this.upstreamModel = upstreamModel;
  }

  /** The counter for an upstream model name, e.g. {@code gpt-4o-mini} or {@code llama-3.1-8b-instruct}. */
  public static TokenCounter forModel(String upstreamModel) {
    return new TokenCounter(Objects.requireNonNull(upstreamModel, "upstreamModel"));
  }

  /** The encoding's name, e.g. {@code o200k_base}. */
  public String encodingName() {
    return encoding().getName();
  }

  /** Tokens of plain text (special-token markers count as ordinary text). */
  public int count(String text) {
    return text.isEmpty() ? 0 : encoding().countTokensOrdinary(text);
  }

  private Encoding encoding() {
    Encoding e = encoding;
    if (e == null) {
      EncodingRegistry registry = Registry.INSTANCE;
      e = registry.getEncodingForModel(upstreamModel).orElseGet(() -> registry.getEncoding(EncodingType.O200K_BASE));
      encoding = e;
    }
    return e;
  }

  /** Tokens of a prompt: each message's content and tool calls plus the chat format's overhead. */
  public int countPrompt(List<ChatMessage> messages) {
    int total = REPLY_PRIMING;
    for (ChatMessage m : messages) {
      total += PER_MESSAGE + count(m.content());
      for (ToolCall call : m.toolCalls()) {
        total += count(call.name()) + count(call.arguments());
      }
    }
    return total;
  }
}
