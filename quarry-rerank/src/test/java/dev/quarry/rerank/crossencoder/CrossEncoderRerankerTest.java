package dev.quarry.rerank.crossencoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.quarry.core.embed.InferenceSlots;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.search.RerankCandidate;
import dev.quarry.core.search.RerankOutcome;
import dev.quarry.embed.onnx.OnnxEmbedder;
import dev.quarry.embed.onnx.OnnxEmbedderConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cross-encoder runtime on a BERT-shaped graph the test builds ({@link TinyBertGraph}) and a
 * real BERT WordPiece tokenizer (bge-small's tokenizer.json, written to a file as a user's would
 * be): each pair's score must equal the logit computed by hand from the pair's token ids.
 */
class CrossEncoderRerankerTest {

  @TempDir static Path dir;
  static Path model;
  static Path tokenizer;
  static TinyBertGraph graph;

  static final List<RerankCandidate> CANDIDATES = List.of(
      new RerankCandidate("a#0", "a", "Cats sleep for most of the day."),
      new RerankCandidate("b#0", "b", "Interest rates rose again"),
      new RerankCandidate("c#0", "c", "A very small cat"));

  @BeforeAll
  static void build() throws IOException {
    tokenizer = dir.resolve("tokenizer.json");
    try (InputStream in = CrossEncoderRerankerTest.class.getClassLoader()
        .getResourceAsStream("bge-small-en-v1.5-q-tokenizer.json")) {
      Files.write(tokenizer, in.readAllBytes());
    }
    graph = new TinyBertGraph(30522);
    model = dir.resolve("tiny-bert.onnx");
    Files.write(model, graph.model());
  }

  /** Token ids and types of a pair as BERT's tokenizer makes them, untruncated. */
  static Encoding encode(String query, String passage) throws IOException {
    try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(tokenizer,
        Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"))) {
      return t.encode(query, passage);
    }
  }

  @Test
  void eachPairScoresItsLogitAsComputedByHand() throws IOException {
    try (var reranker = CrossEncoderReranker.open(new CrossEncoderConfig(model, tokenizer, 512, 2, 1))) {
      var scored = assertInstanceOf(RerankOutcome.Scored.class, reranker.score("sleeping cats", CANDIDATES));
      for (int i = 0; i < CANDIDATES.size(); i++) {
        Encoding e = encode("sleeping cats", CANDIDATES.get(i).text());
        long[] ids = e.getIds();
        assertEquals(101, ids[0], "[CLS] first");
        assertEquals(102, ids[ids.length - 1], "[SEP] last");
        assertTrue(e.getTypeIds()[ids.length - 1] == 1, "the passage is segment 1");
        assertEquals(graph.logit(ids, e.getTypeIds()), scored.scores().get(i), 1e-4, "pair " + i);
      }
    }
  }

  @Test
  void batchingAndPaddingDoNotChangeScores() {
    try (var one = CrossEncoderReranker.open(new CrossEncoderConfig(model, tokenizer, 512, 1, 1));
        var three = CrossEncoderReranker.open(new CrossEncoderConfig(model, tokenizer, 512, 3, 1))) {
      var a = assertInstanceOf(RerankOutcome.Scored.class, one.score("cats", CANDIDATES)).scores();
      var b = assertInstanceOf(RerankOutcome.Scored.class, three.score("cats", CANDIDATES)).scores();
      assertArrayEquals(a.stream().mapToDouble(Double::doubleValue).toArray(),
          b.stream().mapToDouble(Double::doubleValue).toArray(), 1e-4);
    }
  }

  @Test
  void aLongPassageIsCutToMaxTokensNotRefused() throws IOException {
    String longText = "word ".repeat(2000);
    try (var reranker = CrossEncoderReranker.open(new CrossEncoderConfig(model, tokenizer, 32, 4, 1))) {
      var scored = assertInstanceOf(RerankOutcome.Scored.class,
          reranker.score("cats", List.of(new RerankCandidate("l#0", "l", longText))));
      // [CLS] cats [SEP] + 28 "word" tokens + [SEP]: the query is kept whole, the passage is cut
      Encoding full = encode("cats", longText);
      long[] ids = new long[32];
      long[] types = new long[32];
      System.arraycopy(full.getIds(), 0, ids, 0, 31);
      System.arraycopy(full.getTypeIds(), 0, types, 0, 31);
      ids[31] = 102;
      types[31] = 1;
      assertEquals(graph.logit(ids, types), scored.scores().getFirst(), 1e-4);
    }
  }

  @Test
  void batchesRunOnTheEmbeddersWorkersAndScoreExactlyAsOnTheCaller() {
    List<String> threads = new CopyOnWriteArrayList<>();
    OnnxEmbedder embedder = OnnxEmbedder.open(new OnnxEmbedderConfig("bge-small-en-v1.5-q", 2, 1, 1));
    try {
      InferenceSlots watched = new InferenceSlots() { // the embedder's slots, noting where each batch ran
        @Override
        public <T> T interactive(Callable<T> work) {
          return embedder.interactive(() -> {
            threads.add(Thread.currentThread().getName());
            return work.call();
          });
        }
      };
      CrossEncoderConfig config = new CrossEncoderConfig(model, tokenizer, 512, 2, 1);
      try (var onCaller = CrossEncoderReranker.open(config);
          var onWorkers = CrossEncoderReranker.open(config, watched)) {
        var expected = assertInstanceOf(RerankOutcome.Scored.class, onCaller.score("sleeping cats", CANDIDATES));
        var scored = assertInstanceOf(RerankOutcome.Scored.class, onWorkers.score("sleeping cats", CANDIDATES));
        assertEquals(expected.scores(), scored.scores());
        assertEquals(2, threads.size(), "three pairs in batches of two: " + threads);
        threads.forEach(t -> assertTrue(t.startsWith("quarry-embed-bge-small-en-v1.5-q-"), t));
        embedder.close();
        var closed = assertInstanceOf(RerankOutcome.Unavailable.class, onWorkers.score("cats", CANDIDATES));
        assertEquals("cross-encoder tiny-bert.onnx failed: embedder 'bge-small-en-v1.5-q' is closed", closed.reason());
      }
    } finally {
      embedder.close();
    }
  }

  @Test
  void missingFilesAreNamedWhenOpening() {
    var e = assertThrows(InvalidInputException.class,
        () -> CrossEncoderReranker.open(CrossEncoderConfig.of(dir.resolve("nope.onnx"), tokenizer)));
    assertEquals("cross-encoder model file not found: " + dir.resolve("nope.onnx"), e.getMessage());
  }

  @Test
  void aGraphWithoutBertInputsIsRefusedWithItsInputs() throws IOException {
    Path notBert = dir.resolve("not-bert.onnx");
    Files.write(notBert, notBertModel());
    var e = assertThrows(InvalidInputException.class,
        () -> CrossEncoderReranker.open(CrossEncoderConfig.of(notBert, tokenizer)));
    assertTrue(e.getMessage().contains("declares input 'x'"), e.getMessage());
  }

  /** Identity on a float input named x. */
  private static byte[] notBertModel() {
    Proto shape = new Proto().message(1, new Proto().string(2, "batch"));
    Proto type = new Proto().message(1, new Proto().int64(1, 1).message(2, shape));
    Proto graph = new Proto()
        .message(1, new Proto().string(1, "x").string(2, "y").string(3, "id").string(4, "Identity"))
        .string(2, "g")
        .message(11, new Proto().string(1, "x").message(2, type))
        .message(11, new Proto().string(1, "input_ids").message(2, type))
        .message(11, new Proto().string(1, "attention_mask").message(2, type))
        .message(12, new Proto().string(1, "y").message(2, type));
    return new Proto().int64(1, 8).message(7, graph).message(8, new Proto().string(1, "").int64(2, 13)).toBytes();
  }
}
