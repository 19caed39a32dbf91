package dev.quarry.runtime.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.index.StoredChunk;
import dev.quarry.runtime.assemble.Context;
import dev.quarry.runtime.assemble.Passage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The extractive answerer on a given context (lexical scores: no embedder is named). */
class ExtractiveAnswererTest {

  private static Passage passage(int number, String id, String text) {
    return new Passage(number, "docs", new StoredChunk(id + "#0", id, 0, "", text, 0, text.length(), 0, List.of(),
        METADATA), 10);
  }

  private static final Metadata METADATA = Metadata.empty();

  private static String answer(String question, int words, Passage... passages) {
    GenerationInput in = new GenerationInput(question, new Context(List.of(passages), 0, 0, 0), List.of(),
        OptionalInt.of(words), OptionalDouble.empty(), Instant.now().plusSeconds(10), Map.of());
    List<String> deltas = new ArrayList<>();
    ChatStream stream = deltas::add;
    String text = new ExtractiveAnswerer(120).generate(in, stream).text();
    assertEquals(text, String.join("", deltas), "the stream is the answer");
    return text;
  }

  @Test
  void theAnswerOpensWithTheBestRankedPassageEvenWhenALowerOneScoresHigher() {
    // passage 2 holds every word of the question; passage 1, retrieval's top hit, fewer of them
    String text = answer("When do cluster certificates expire after renewal?", 12,
        passage(1, "top", "Certificates last one year before they lapse."),
        passage(2, "second", "Cluster certificates expire one year after renewal."));
    assertTrue(text.startsWith("Certificates last one year before they lapse. [1]"), text);
  }

  @Test
  void sentencesOfOnePassageKeepTheirOrderAndEachCarriesItsMarker() {
    String text = answer("How do I rotate kubeadm certificates?", 120,
        passage(1, "certs", "Rotate certificates with kubeadm certs renew. The renewal restarts the control plane."),
        passage(2, "other", "The budget review moved to Thursday afternoon."));
    assertTrue(text.startsWith("Rotate certificates with kubeadm certs renew. [1] The renewal restarts the control "
        + "plane. [1]"), text);
  }

  @Test
  void aPassagesOwnReferenceNumbersDoNotBecomeCitationsOfOtherPassages() {
    String text = answer("Which diseases were reduced?", 120,
        passage(1, "paper", "Neglected diseases such as leprosy and trachoma were reduced [2]. Guinea worm fell [3, 4]."),
        passage(2, "other", "The budget review moved to Thursday afternoon."));
    assertTrue(text.startsWith("Neglected diseases such as leprosy and trachoma were reduced. [1] Guinea worm fell. [1]"),
        text);
    assertEquals("leprosy fell.", ExtractiveAnswerer.withoutMarkers("leprosy [12] fell [1\u20133]."));
  }
}
