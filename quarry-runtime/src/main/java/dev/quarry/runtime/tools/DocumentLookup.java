package dev.quarry.runtime.tools;

import java.util.Optional;

/** A stored document's text by collection and id, in the caller's tenant only. */
@FunctionalInterface
public interface DocumentLookup {
  Optional<String> text(String collection, String documentId);
}
