package dev.quarry.ingest.parse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a byte stream line by line without decoding, so each line can be decoded strictly and a
 * bad byte reported with its offset. A line longer than the limit is skipped to its end and
 * reported as {@link #overlong()} rather than buffered. Not thread-safe.
 */
final class LineReader {

  private static final int CHUNK = 64 * 1024;

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] chunk = new byte[CHUNK];
  private int chunkPos;
  private int chunkLen;
  private byte[] line = new byte[1024];
  private int lineLen;
  private boolean overlong;
  private long lineOffset;
  private long nextOffset;
  private int lineNumber;

  LineReader(InputStream in, int maxLineBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /** Advances to the next line; false at the end of the stream. */
  boolean next() throws IOException {
    lineLen = 0;
    overlong = false;
    lineOffset = nextOffset;
    boolean sawAny = false;
    while (true) {
      if (chunkPos == chunkLen) {
        chunkLen = in.read(chunk, 0, CHUNK);
        chunkPos = 0;
        if (chunkLen <= 0) {
          chunkLen = 0;
          if (sawAny) {
            finishLine();
          }
          return sawAny;
        }
      }
      sawAny = true;
      int newline = indexOfNewline(chunkPos, chunkLen);
      int end = newline < 0 ? chunkLen : newline;
      append(chunkPos, end - chunkPos);
      nextOffset += (newline < 0 ? end : end + 1) - chunkPos;
      chunkPos = newline < 0 ? end : end + 1;
      if (newline >= 0) {
        finishLine();
        return true;
      }
    }
  }

  /** The current line's bytes are {@code bytes()[0, length())}, without the line terminator. */
  byte[] bytes() {
    return line;
  }

  int length() {
    return lineLen;
  }

  /** Whether the current line had more bytes than the limit (its bytes are then not kept). */
  boolean overlong() {
    return overlong;
  }

  /** 1-based number of the current line. */
  int lineNumber() {
    return lineNumber;
  }

  /** Offset in the stream of the current line's first byte. */
  long lineOffset() {
    return lineOffset;
  }

  private void finishLine() {
    lineNumber++;
    if (!overlong && lineLen > 0 && line[lineLen - 1] == '\r') {
      lineLen--;
    }
  }

  private int indexOfNewline(int from, int to) {
    for (int i = from; i < to; i++) {
      if (chunk[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void append(int from, int count) {
    if (overlong) {
      return;
    }
    if ((long) lineLen + count > maxLineBytes) {
      overlong = true;
      lineLen = 0;
      return;
    }
    if (lineLen + count > line.length) {
      line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(line.length * 2, lineLen + count)));
    }
    System.arraycopy(chunk, from, line, lineLen, count);
    lineLen += count;
  }
}
