package dev.quarry.store.key;

import dev.quarry.core.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The plaintext of an API key and the id it is looked up by.
 *
 * <p>Generated keys read {@code qk_<id>_<secret>}: a 16-hex-digit id (64 random bits, not secret,
 * the database's primary key) and 32 random bytes in base64url. Looking a key up by its id, then
 * comparing one hash, keeps authentication to one indexed read whatever the number of keys.
 *
 * <p>Keys chosen by an operator (for example {@code QUARRY_ADMIN_KEY}) have no such shape; their
 * id is derived from a hash of the whole plaintext ({@code x} and 15 hex digits). They must be at
 * least {@value #MIN_FOREIGN_LENGTH} characters, since such a key's strength is its length.
 */
public record PlaintextKey(String id, String value) {

  public static final String PREFIX = "qk_";
  public static final int MIN_FOREIGN_LENGTH = 24;
  public static final int MAX_LENGTH = 256;

  private static final Pattern GENERATED = Pattern.compile("qk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}");
  private static final Pattern GENERATED_ID = Pattern.compile("[0-9a-f]{16}");
  private static final SecureRandom RANDOM = new SecureRandom();

  public PlaintextKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(value, "value");
  }

  /** A fresh random key. */
  public static PlaintextKey generate() {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    return withNewSecret(HexFormat.of().formatHex(id));
  }

  /**
   * A fresh random secret for the generated key {@code id} (a rotation keeps the id); {@link
   * InvalidInputException} when {@code id} is not a generated key's id.
   */
  public static PlaintextKey withNewSecret(String id) {
    if (!isGeneratedId(id)) {
      throw new InvalidInputException("API key '" + id + "' was chosen by an operator, not generated: "
          + "it cannot be given a new secret; register another key instead");
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return new PlaintextKey(id, PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
  }

  /** Whether {@code id} is a generated key's (16 hex digits), not an operator-chosen key's. */
  public static boolean isGeneratedId(String id) {
    return id != null && GENERATED_ID.matcher(id).matches();
  }

  /**
   * Reads a key presented by a client. Never throws for a well-formed but unknown key; throws
   * {@link InvalidInputException} only for text that cannot be a key at all (blank, too long,
   * control characters), without echoing the text.
   */
  public static PlaintextKey parse(String plaintext) {
    if (plaintext == null || plaintext.isBlank() || plaintext.length() > MAX_LENGTH) {
      throw new InvalidInputException("an API key must be 1-" + MAX_LENGTH + " non-blank characters");
    }
    for (int i = 0; i < plaintext.length(); i++) {
      char c = plaintext.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new InvalidInputException("an API key must be printable ASCII without spaces");
      }
    }
    var m = GENERATED.matcher(plaintext);
    if (m.matches()) {
      return new PlaintextKey(m.group(1), plaintext);
    }
    return new PlaintextKey(derivedId(plaintext), plaintext);
  }

  /** Like {@link #parse} and additionally requires an operator-chosen key to be long enough. */
  public static PlaintextKey chosen(String plaintext) {
    PlaintextKey key = parse(plaintext);
    if (!key.isGenerated() && plaintext.length() < MIN_FOREIGN_LENGTH) {
      throw new InvalidInputException("a chosen API key must be at least " + MIN_FOREIGN_LENGTH
          + " characters, got: " + plaintext.length());
    }
    return key;
  }

  /** Whether this key has the generated {@code qk_<id>_<secret>} shape. */
  public boolean isGenerated() {
    return GENERATED.matcher(value).matches();
  }

  private static String derivedId(String plaintext) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update("quarry-key-id\0".getBytes(StandardCharsets.UTF_8));
      byte[] digest = md.digest(plaintext.getBytes(StandardCharsets.UTF_8));
      return "x" + HexFormat.of().formatHex(digest).substring(0, 15);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return "PlaintextKey[id=" + id + ", value=<hidden>]";
  }
}
