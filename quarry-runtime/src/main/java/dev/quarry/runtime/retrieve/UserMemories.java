package dev.quarry.runtime.retrieve;

import dev.quarry.core.embed.Embedder;
import java.util.List;
import java.util.Objects;

/**
 * The memories of the end user a question comes from, each with its vector under {@code embedder}
 * (the model they were stored with): retrieval recalls the few most like the question.
 */
public record UserMemories(Embedder embedder, List<Note> notes) {

  /** One memory: its id (what a citation names), its text and its vector. */
  public record Note(String id, String text, float[] vector) {
    public Note {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(vector, "vector");
    }
  }

  public UserMemories {
    Objects.requireNonNull(embedder, "embedder");
    notes = List.copyOf(notes);
  }
}
