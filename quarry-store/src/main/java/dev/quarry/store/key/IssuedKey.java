package dev.quarry.store.key;

import java.util.Objects;

/**
 * A key just created, with its plaintext. This is the only time the plaintext exists outside the
 * caller's hands: show it once and drop it. {@link #toString()} leaves the plaintext out, so the
 * record can be logged.
 */
public record IssuedKey(ApiKey key, String plaintext) {
  public IssuedKey {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(plaintext, "plaintext");
  }

  @Override
  public String toString() {
    return "IssuedKey[key=" + key + ", plaintext=<hidden>]";
  }
}
