package dev.quarry.runtime.cite;

import java.util.List;

/** The answer with unknown markers removed ({@code removed} of them), and what its markers cite, by first appearance. */
public record Cited(String text, List<Citation> citations, int removed) {
  public Cited {
    citations = List.copyOf(citations);
  }
}
