package dev.quarry.store.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What is stored of a key's secret: a random 16-byte salt and SHA-256(salt || plaintext), both hex.
 *
 * <p>Decision: one salted SHA-256, not PBKDF2. Generated keys carry 256 random bits, so key
 * stretching adds no protection against guessing, while it would add tens of milliseconds to
 * every authenticated request. Operator-chosen keys are required to be long for the same reason.
 * Comparison is constant-time.
 */
public record KeyHash(String salt, String hash) {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  public KeyHash {
    Objects.requireNonNull(salt, "salt");
    Objects.requireNonNull(hash, "hash");
  }

  /** Hashes {@code plaintext} with a fresh random salt. */
  public static KeyHash of(String plaintext) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return new KeyHash(HEX.formatHex(salt), HEX.formatHex(digest(salt, plaintext)));
  }

  /** Whether {@code plaintext} hashes to this hash under this salt; constant time in its length. */
  public boolean matches(String plaintext) {
    byte[] expected = HEX.parseHex(hash);
    byte[] actual = digest(HEX.parseHex(salt), plaintext);
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] digest(byte[] salt, String plaintext) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(salt);
      return md.digest(plaintext.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
