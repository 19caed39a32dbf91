package dev.quarry.embed.cache;

import dev.quarry.core.embed.InputKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/** What a cached vector is found by within one model's cache: the input kind and the text's SHA-256. */
record ContentKey(InputKind kind, long h0, long h1, long h2, long h3) {

  static final int HASH_BYTES = 32;

  ContentKey {
    Objects.requireNonNull(kind, "kind");
  }

  static ContentKey of(InputKind kind, String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return read(kind, ByteBuffer.wrap(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** Reads the 32 hash bytes at the buffer's position. */
  static ContentKey read(InputKind kind, ByteBuffer hash) {
    return new ContentKey(kind, hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong());
  }

  /** Writes the 32 hash bytes at the buffer's position. */
  void writeHash(ByteBuffer out) {
    out.putLong(h0).putLong(h1).putLong(h2).putLong(h3);
  }
}
