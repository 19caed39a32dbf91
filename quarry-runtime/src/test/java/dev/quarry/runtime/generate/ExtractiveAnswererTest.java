package dev.quarry.runtime.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.index.StoredChunk;
import dev.quarry.runtime.assemble.Context;
import dev.quarry.runtime.assemble.Passage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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

  /** Vectors from the texts' words (hashed into 64 dimensions); records what it was asked to embed. */
  private static final class RecordingEmbedder implements Embedder {
    final List<List<String>> documentCalls = new ArrayList<>();

    @Override
    public EmbeddingModelInfo info() {
      return new EmbeddingModelInfo("words", 64, 512, Similarity.COSINE, "", "");
    }

    @Override
    public float[][] embed(List<String> texts, InputKind kind) {
      if (kind == InputKind.DOCUMENT) {
        documentCalls.add(List.copyOf(texts));
      }
      float[][] out = new float[texts.size()][64];
      for (int i = 0; i < texts.size(); i++) {
        for (String w : texts.get(i).toLowerCase(java.util.Locale.ROOT).split("\\W+")) {
          out[i][Math.floorMod(w.hashCode(), 64)] += 1;
        }
      }
      return out;
    }
  }

  private static String answer(RecordingEmbedder embedder, String question, Passage... passages) {
    GenerationInput in = new GenerationInput(question, new Context(List.of(passages), 0, 0, 0), List.of(),
        OptionalInt.of(400), OptionalDouble.empty(), Instant.now().plusSeconds(10), Map.of("docs", embedder));
    return new ExtractiveAnswerer(120).generate(in, delta -> { }).text();
  }

  @Test
  void aBoundedLexicalPreSelectionIsEmbeddedInOneCallAndEveryPassageKeepsItsBestSentence() {
    // 3 passages of 4 sentences (12 candidates): each passage's sentence "k" shares k of the
    // question's words; passage 3's best shares one word only, yet it keeps a candidate
    String question = "Do alpha beta gamma delta epsilon markers predict relapse?";
    String[] words = {"alpha", "beta", "gamma", "delta"};
    Passage[] passages = new Passage[3];
    for (int p = 1; p <= 3; p++) {
      StringBuilder text = new StringBuilder();
      for (int k = 0; k < 4; k++) {
        int shared = p == 3 ? Math.min(k, 1) : k;
        String topic = IntStream.range(0, shared).mapToObj(i -> words[i]).collect(Collectors.joining(" "));
        text.append("Passage").append(p).append(" sentence").append(k).append(" reports ").append(topic)
            .append(k == 0 ? "nothing relevant here" : " findings").append(". ");
      }
      passages[p - 1] = passage(p, "doc" + p, text.toString().strip());
    }
    RecordingEmbedder embedder = new RecordingEmbedder();
    answer(embedder, question, passages);
    assertEquals(1, embedder.documentCalls.size(), "all candidates in one embedding call");
    List<String> embedded = embedder.documentCalls.get(0);
    assertEquals(4, ExtractiveAnswerer.CANDIDATES, "the expectations below are for 4 candidates");
    assertEquals(ExtractiveAnswerer.CANDIDATES, embedded.size(), embedded.toString());
    for (int p = 1; p <= 2; p++) {
      String best = "Passage" + p + " sentence3";
      assertTrue(embedded.stream().anyMatch(t -> t.startsWith(best)), best + " in " + embedded);
    }
    assertTrue(embedded.stream().anyMatch(t -> t.startsWith("Passage3 sentence1")), embedded.toString());
    // the place left goes to the lexically best of the rest: a sentence sharing 2 words, of the
    // best-ranked passage of the two that have one
    Set<String> rest = embedded.stream().filter(t -> t.contains("sentence2")).map(t -> t.substring(0, 8))
        .collect(Collectors.toSet());
    assertEquals(Set.of("Passage1"), rest, embedded.toString());
    assertFalse(embedded.stream().anyMatch(t -> t.contains("sentence0")), embedded.toString());
  }

  @Test
  void aLongSentenceIsEmbeddedByItsStartButQuotedWhole() {
    String tail = IntStream.range(0, 60).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
    String sentence = "Relapse markers were measured in this cohort " + tail + ".";
    RecordingEmbedder embedder = new RecordingEmbedder();
    String text = answer(embedder, "Which relapse markers were measured?", passage(1, "long", sentence));
    String embedded = embedder.documentCalls.get(0).get(0);
    assertEquals(ExtractiveAnswerer.EMBED_WORDS, embedded.split(" ").length, embedded);
    assertTrue(sentence.startsWith(embedded), embedded);
    assertEquals(sentence + " [1]", text);
  }
}
