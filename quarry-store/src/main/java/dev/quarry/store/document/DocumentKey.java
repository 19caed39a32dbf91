package dev.quarry.store.document;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.tenant.TenantId;
import java.util.Objects;

/**
 * A document's address: its collection (and so its tenant) and its id. Ids are any text of 1 to
 * {@value #MAX_ID_LENGTH} characters without NUL (which PostgreSQL text cannot hold).
 */
public record DocumentKey(CollectionKey collection, String id) {

  public static final int MAX_ID_LENGTH = 512;

  public DocumentKey {
    Objects.requireNonNull(collection, "collection");
    if (id == null || id.isBlank()) {
      throw new InvalidInputException("document id must not be blank");
    }
    if (id.length() > MAX_ID_LENGTH) {
      throw new InvalidInputException(
          "document id must be at most " + MAX_ID_LENGTH + " characters, got: " + id.length());
    }
    if (id.indexOf('\0') >= 0) {
      throw new InvalidInputException("document id must not contain NUL characters");
    }
  }

  public static DocumentKey of(CollectionKey collection, String id) {
    return new DocumentKey(collection, id);
  }

  public TenantId tenant() {
    return collection.tenant();
  }

  @Override
  public String toString() {
    return collection + "/" + id;
  }
}
