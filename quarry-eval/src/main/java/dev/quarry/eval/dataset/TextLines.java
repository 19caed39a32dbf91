package dev.quarry.eval.dataset;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.error.StorageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads a UTF-8 text file line by line, gunzipping files named {@code *.gz}, and turns I/O
 * failures into Quarry's error taxonomy with the file (and line, where known) in the message.
 */
final class TextLines {

  /** Receives each line with its 1-based number. */
  @FunctionalInterface
  interface LineHandler {
    void line(int number, String text);
  }

  private TextLines() {}

  static void forEach(Path file, LineHandler handler) {
    int number = 0;
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
        BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(
                    in,
                    StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)),
                1 << 16)) {
      String line;
      while ((line = reader.readLine()) != null) {
        number++;
        handler.line(number, line);
      }
    } catch (NoSuchFileException e) {
      throw new NotFoundException("file not found: " + file, e);
    } catch (CharacterCodingException e) {
      throw new InvalidInputException(file + ":" + (number + 1) + ": not valid UTF-8", e);
    } catch (IOException e) {
      throw new StorageException("cannot read " + file + " (after line " + number + "): " + e.getMessage(), e);
    }
  }

  static InvalidInputException malformed(Path file, int line, String reason) {
    return new InvalidInputException(file + ":" + line + ": " + reason);
  }
}
