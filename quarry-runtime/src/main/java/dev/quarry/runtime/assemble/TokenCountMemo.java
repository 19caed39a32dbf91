package dev.quarry.runtime.assemble;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Token counts of passage texts already counted, so that a passage retrieved again is not
 * tokenized again: a byte-pair encoding of a few passages was the largest part of a chat's
 * orchestration (docs/benchmarks.md, issue 8). Bounded as a whole, least recently used first out;
 * in memory only. Thread-safe.
 *
 * <p>Decisions: the key is (scope, model, SHA-256 of the text), the scope being the collections
 * searched (their engine names hold the tenant), so one tenant's counts are never served to another
 * and a fast count tells nobody what another tenant retrieved; the digest, not the text, is kept,
 * so an entry takes about a hundred bytes whatever the passage. Short texts are counted directly:
 * hashing them would cost about as much.
 */
public final class TokenCountMemo {

  /** Texts shorter than this many characters are not kept. */
  static final int MIN_CHARS = 200;

  private record Key(String scope, String model, String digest) {}

  private final int capacity;
  private final Map<Key, Integer> entries;

  public TokenCountMemo(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got: " + capacity);
    }
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Integer> eldest) {
        return size() > TokenCountMemo.this.capacity;
      }
    };
  }

  /** {@code tokens} as seen from {@code scope} for {@code model}: a text counted before is answered from here. */
  public TokenCount scoped(String scope, String model, TokenCount tokens) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(tokens, "tokens");
    return text -> {
      if (text.length() < MIN_CHARS) {
        return tokens.count(text);
      }
      Key key = new Key(scope, model, digest(text));
      synchronized (entries) {
        Integer known = entries.get(key);
        if (known != null) {
          return known;
        }
      }
      int counted = tokens.count(text);
      synchronized (entries) {
        entries.put(key, counted);
      }
      return counted;
    };
  }

  /** Entries held, over every scope. */
  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  private static String digest(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return new String(d, StandardCharsets.ISO_8859_1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
