package dev.quarry.llm.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A model that answers a structured request with invalid JSON part of the time, for {@link
 * ScriptedServer#respondWith}: with probability {@code invalidShare} (from a seeded random) one of
 * the invalid answers, in turn (JSON cut in half, wrapped in a code fence, followed by chatter,
 * plain prose, nothing, and each of the caller's schema-breaking JSON values), otherwise
 * {@code valid}. Each answer is streamed in a few tokens. Thread-safe; counts what it served.
 */
public final class InvalidJsonFault implements Function<RecordedRequest, ScriptedReply> {

  private final String valid;
  private final List<String> invalid;
  private final double invalidShare;
  private final Random random;
  private final AtomicInteger validServed = new AtomicInteger();
  private final AtomicInteger invalidServed = new AtomicInteger();

  /**
   * @param valid an answer valid against the test's schema
   * @param schemaBreaking well-formed JSON answers that break the schema
   */
  public InvalidJsonFault(String valid, List<String> schemaBreaking, double invalidShare, long seed) {
    if (invalidShare < 0 || invalidShare > 1) {
      throw new IllegalArgumentException("invalidShare must be in 0..1, got: " + invalidShare);
    }
    this.valid = valid;
    List<String> all = new ArrayList<>(List.of(
        valid.substring(0, valid.length() / 2),
        "```json\n" + valid + "\n```",
        valid + " I hope this helps!",
        "Sorry, I cannot answer in JSON.",
        ""));
    all.addAll(schemaBreaking);
    this.invalid = List.copyOf(all);
    this.invalidShare = invalidShare;
    this.random = new Random(seed);
  }

  @Override
  public ScriptedReply apply(RecordedRequest request) {
    String text;
    synchronized (random) {
      if (random.nextDouble() < invalidShare) {
        text = invalid.get(random.nextInt(invalid.size()));
        invalidServed.incrementAndGet();
      } else {
        text = valid;
        validServed.incrementAndGet();
      }
    }
    return ScriptedReply.text(tokens(text));
  }

  public int validServed() {
    return validServed.get();
  }

  public int invalidServed() {
    return invalidServed.get();
  }

  /** The kinds of invalid answers, in the order they are chosen from. */
  public List<String> invalidAnswers() {
    return invalid;
  }

  private static String[] tokens(String text) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < text.length(); i += 7) {
      out.add(text.substring(i, Math.min(text.length(), i + 7)));
    }
    return out.toArray(String[]::new);
  }
}
