package dev.quarry.ingest.parse;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 and reports the first invalid byte instead of replacing it with U+FFFD, as the
 * lenient {@code new String(bytes, UTF_8)} would. A decoder is not thread-safe: make one per parse.
 */
final class StrictUtf8 {

  /** The outcome of decoding: the text, or the offset of the first invalid byte. */
  sealed interface Result {}

  record Text(String value) implements Result {}

  /** {@code byteOffset} is relative to the first byte given to {@link #decode}. */
  record Invalid(int byteOffset) implements Result {}

  private static final char BYTE_ORDER_MARK = '\uFEFF';

  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  /** Decodes {@code bytes[offset, offset + length)}. */
  Result decode(byte[] bytes, int offset, int length) {
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
    // UTF-8 never yields more chars than bytes (a 4-byte sequence is 2 chars).
    CharBuffer out = CharBuffer.allocate(length);
    decoder.reset();
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      return new Invalid(in.position() - offset);
    }
    decoder.flush(out);
    out.flip();
    return new Text(out.toString());
  }

  /** The text without a leading byte order mark, which some editors write at the start of a file. */
  static String withoutByteOrderMark(String text) {
    return !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK ? text.substring(1) : text;
  }
}
