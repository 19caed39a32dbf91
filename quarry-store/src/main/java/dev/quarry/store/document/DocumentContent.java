package dev.quarry.store.document;

import dev.quarry.core.error.InvalidInputException;
import java.util.Objects;
import java.util.Optional;

/**
 * A document's content as it was accepted: the bytes, their media type (for example {@code
 * application/json} for a document given as title, text and metadata, {@code application/pdf} for an
 * uploaded file), and the file name an upload carried, which picks the parser. The store keeps it
 * for the document's lifetime, so an acknowledged upload survives a crash before it is indexed.
 */
public record DocumentContent(String mediaType, Optional<String> fileName, byte[] body) {

  public static final int MAX_MEDIA_TYPE_LENGTH = 255;

  public DocumentContent {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(body, "body");
    if (mediaType == null || mediaType.isBlank() || mediaType.length() > MAX_MEDIA_TYPE_LENGTH) {
      throw new InvalidInputException("media type must be 1-" + MAX_MEDIA_TYPE_LENGTH + " characters");
    }
    if (fileName.isPresent() && (fileName.get().isBlank() || fileName.get().indexOf('\0') >= 0)) {
      throw new InvalidInputException("file name must be non-blank text without NUL");
    }
  }

  public static DocumentContent of(String mediaType, byte[] body) {
    return new DocumentContent(mediaType, Optional.empty(), body);
  }
}
