package dev.quarry.core.parse;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Turns the bytes of one source (a file or an upload) into documents. Bad content is reported as
 * {@link ParseOutcome.Rejected} through {@code sink} and parsing goes on where the format allows
 * (a JSONL file goes on after a malformed line); only a failure to read the stream throws.
 */
@FunctionalInterface
public interface Parser {
  /**
   * @param name the source's name, used in rejections and as the default document id
   * @param in the source's bytes; the parser does not close it
   */
  void parse(String name, InputStream in, Consumer<ParseOutcome> sink) throws IOException;
}
