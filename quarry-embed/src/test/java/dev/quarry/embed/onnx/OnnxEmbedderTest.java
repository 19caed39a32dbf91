package dev.quarry.embed.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.quarry.core.embed.InputKind;
import dev.quarry.core.observe.CpuAccount;
import dev.quarry.core.observe.ThreadCpu;
import dev.quarry.embed.model.EmbeddingModels;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxEmbedderTest {

  private static OnnxEmbedder bgeQ;

  @BeforeAll
  static void load() {
    bgeQ = OnnxEmbedder.open(new OnnxEmbedderConfig("bge-small-en-v1.5-q", 2, 1, 1));
  }

  @AfterAll
  static void close() {
    bgeQ.close();
  }

  static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  static float[] one(OnnxEmbedder embedder, String text, InputKind kind) {
    return embedder.embed(List.of(text), kind)[0];
  }

  static String words(int n) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < n; i++) {
      text.append("token").append(' ');
    }
    return text.toString().strip();
  }

  @Test
  void theModelWorkersChargeTheirCpuTimeToTheCallersAccount() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      texts.add(words(200) + " " + i);
    }
    CpuAccount account = new CpuAccount();
    long wall0 = System.nanoTime();
    CpuAccount.charging(account, () -> bgeQ.embed(texts, InputKind.DOCUMENT));
    long wall = System.nanoTime() - wall0;
    // the caller only waits: every charged nanosecond was spent on the worker threads, two of them
    assertTrue(account.nanos() > 1_000_000, "charged " + account.nanos() + " ns");
    assertTrue(account.nanos() <= 2 * wall + 20_000_000, "charged " + account.nanos() + " ns in " + wall + " ns");
    bgeQ.embed(texts, InputKind.DOCUMENT); // no account bound: nothing to charge, nothing fails
  }

  @Test
  void vectorsHave384UnitLengthDimensions() {
    float[][] vectors = bgeQ.embed(List.of("a short passage", "another, longer passage about rivers"), InputKind.DOCUMENT);
    assertEquals(2, vectors.length);
    for (float[] v : vectors) {
      assertEquals(384, v.length);
      assertEquals(1.0, dot(v, v), 1e-5);
    }
  }

  @Test
  void relatedSentencesAreCloserThanUnrelatedOnes() {
    float[][] v =
        bgeQ.embed(
            List.of(
                "The cat sat on the mat.",
                "A kitten was resting on the rug.",
                "Quarterly revenue grew by twelve percent."),
            InputKind.DOCUMENT);
    double related = dot(v[0], v[1]);
    double unrelated = dot(v[0], v[2]);
    assertTrue(related > unrelated + 0.1, "related " + related + " vs unrelated " + unrelated);
  }

  @Test
  void queryPrefixChangesBgeQueriesButNotDocuments() {
    String text = "how do plants make energy";
    float[] query = one(bgeQ, text, InputKind.QUERY);
    float[] document = one(bgeQ, text, InputKind.DOCUMENT);
    assertTrue(dot(query, document) < 0.999, "query and document vectors should differ");
    // a query is the document embedding of the prefixed text: the prefix is added for queries only
    float[] prefixedDocument = one(bgeQ, EmbeddingModels.BGE_QUERY_PREFIX + text, InputKind.DOCUMENT);
    assertArrayEquals(query, prefixedDocument, 1e-6f);
  }

  @Test
  void emptyInputGivesNoVectorsAndEmptyTextStillEmbeds() {
    assertEquals(0, bgeQ.embed(List.of(), InputKind.QUERY).length);
    float[] empty = one(bgeQ, "", InputKind.DOCUMENT);
    assertEquals(1.0, dot(empty, empty), 1e-5);
  }

  static final List<String> MIXED_LENGTHS =
      // lengths deliberately out of order so that length sorting reorders them across batches
      List.of(
          words(40) + " about volcanoes",
          "short",
          "a sentence of medium length about the sea and its tides",
          words(5),
          "x",
          "Glaciers carve valleys over thousands of years, leaving moraines behind.",
          words(120),
          "two words",
          "the quick brown fox jumps over the lazy dog",
          "");

  @Test
  void batchesOfOneMakeAQuantisedVectorDependOnItsTextAlone() {
    float[][] together = bgeQ.embed(MIXED_LENGTHS, InputKind.DOCUMENT);
    for (int i = 0; i < MIXED_LENGTHS.size(); i++) {
      assertArrayEquals(one(bgeQ, MIXED_LENGTHS.get(i), InputKind.DOCUMENT), together[i], 1e-6f, "text " + i);
    }
  }

  @Test
  void quantisedModelsDriftOnlySlightlyWithBatchMates() {
    // int8 models quantise activations with one scale per tensor, so batch mates and padding
    // move a text's vector; measured here: cosine 0.976 for "x" padded among longer texts. That is
    // why batchSize defaults to 1. The bound keeps the drift from growing unnoticed.
    try (OnnxEmbedder batched = OnnxEmbedder.open(new OnnxEmbedderConfig("all-minilm-l6-v2-q", 1, 1, 8))) {
      float[][] together = batched.embed(MIXED_LENGTHS, InputKind.DOCUMENT);
      for (int i = 0; i < MIXED_LENGTHS.size(); i++) {
        double cosine = dot(together[i], one(batched, MIXED_LENGTHS.get(i), InputKind.DOCUMENT));
        assertTrue(cosine > 0.95, "text " + i + ": cosine " + cosine);
      }
    }
  }

  @Test
  void longInputIsTruncatedTo512TokensNotRejected() {
    String long600 = words(600);
    float[] truncated = one(bgeQ, long600, InputKind.DOCUMENT);
    float[] withDifferentTail = one(bgeQ, long600 + " volcano eruption lava", InputKind.DOCUMENT);
    assertEquals(1.0, dot(truncated, truncated), 1e-5);
    assertArrayEquals(truncated, withDifferentTail, 1e-6f, "tokens past 512 must not count");
  }

  @Test
  void miniLmTakesInputsBeyondLangChain4js128TokensUpTo512() {
    try (OnnxEmbedder miniLm = OnnxEmbedder.open(new OnnxEmbedderConfig("all-minilm-l6-v2-q", 1, 1, 1))) {
      String head = words(200);
      float[] head200 = one(miniLm, head, InputKind.DOCUMENT);
      float[] head200AndTail = one(miniLm, head + " volcano eruption lava ash", InputKind.DOCUMENT);
      assertTrue(dot(head200, head200AndTail) < 0.99999, "tokens after 128 must count");
      float[] long600 = one(miniLm, words(600), InputKind.DOCUMENT);
      assertEquals(1.0, dot(long600, long600), 1e-5);
    }
  }

  @Test
  void concurrentCallersGetTheSameVectorsAsASingleCaller() throws Exception {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      texts.add("sentence number " + i + " about " + (i % 3 == 0 ? "music" : "geology, rocks and strata"));
    }
    float[][] expected = bgeQ.embed(texts, InputKind.DOCUMENT);
    try (ExecutorService callers = Executors.newFixedThreadPool(4)) {
      List<Future<float[][]>> results = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        results.add(callers.submit(() -> bgeQ.embed(texts, InputKind.DOCUMENT)));
      }
      for (Future<float[][]> result : results) {
        float[][] got = result.get();
        for (int i = 0; i < texts.size(); i++) {
          assertArrayEquals(expected[i], got[i], 1e-6f, "text " + i);
        }
      }
    }
  }

  @Test
  void closingWhileACallerWaitsEndsTheCallInsteadOfHangingIt() throws Exception {
    OnnxEmbedder embedder = OnnxEmbedder.open(new OnnxEmbedderConfig("all-minilm-l6-v2-q", 1, 1, 1));
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      many.add("text number " + i + " " + words(30));
    }
    try (ExecutorService caller = Executors.newSingleThreadExecutor()) {
      Future<float[][]> call = caller.submit(() -> embedder.embed(many, InputKind.DOCUMENT));
      Thread.sleep(200);
      embedder.close();
      try {
        assertEquals(400, call.get(30, TimeUnit.SECONDS).length); // finished before close
      } catch (ExecutionException e) {
        assertTrue(e.getCause() instanceof IllegalStateException, e.getCause().toString());
        // either it was closed before the call took a session, or while the call was embedding
        assertTrue(e.getCause().getMessage().matches("embedder '.*' (is closed|was closed while embedding)"),
            e.getCause().getMessage());
      }
    }
    embedder.close();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> embedder.embed(List.of("x"), InputKind.QUERY));
    assertEquals("embedder 'all-minilm-l6-v2-q' is closed", e.getMessage());
  }

  /** What a piece of interactive work saw when it ran. */
  private record Seen(int batchesWaiting, String thread) {}

  @Test
  void interactiveWorkGoesBeforeDocumentBatchesAlreadyWaiting() throws Exception {
    // one worker, and a frozen clock: no document batch ever waits out its grace (BatchQueue), so
    // only the kind orders the queue, however slowly this machine gets to each step
    OnnxEmbedder embedder = OnnxEmbedder.open(new OnnxEmbedderConfig("all-minilm-l6-v2-q", 1, 1, 1), () -> 0L);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (ExecutorService callers = Executors.newFixedThreadPool(3)) {
      try {
        Future<?> blocker = callers.submit(() -> embedder.interactive(() -> {
          holding.countDown();
          release.await();
          return null;
        }));
        assertTrue(holding.await(30, TimeUnit.SECONDS), "the only worker took the blocking work");
        List<String> texts = List.of("first passage", "second passage", "third passage", "fourth passage");
        Future<float[][]> ingest = callers.submit(() -> embedder.embed(texts, InputKind.DOCUMENT));
        awaitWaiting(embedder, 4); // a bulk ingest's four document batches queue behind the blocker
        Future<Seen> rerank = callers.submit(
            () -> embedder.interactive(() -> new Seen(embedder.batchesWaiting(), Thread.currentThread().getName())));
        awaitWaiting(embedder, 5);
        release.countDown();
        Seen seen = rerank.get(30, TimeUnit.SECONDS);
        assertEquals(4, seen.batchesWaiting(), "it ran while all four document batches still waited");
        assertEquals("quarry-embed-all-minilm-l6-v2-q-1", seen.thread());
        blocker.get(30, TimeUnit.SECONDS);
        float[][] vectors = ingest.get(60, TimeUnit.SECONDS);
        for (int i = 0; i < texts.size(); i++) {
          assertArrayEquals(one(embedder, texts.get(i), InputKind.DOCUMENT), vectors[i], 1e-6f, "text " + i);
        }
      } finally {
        release.countDown();
      }
    } finally {
      embedder.close();
    }
    IllegalStateException closed = assertThrows(IllegalStateException.class, () -> embedder.interactive(() -> 1));
    assertEquals("embedder 'all-minilm-l6-v2-q' is closed", closed.getMessage());
  }

  /** Waits (for a condition, not a duration) until {@code n} batches wait for a worker. */
  private static void awaitWaiting(OnnxEmbedder embedder, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (embedder.batchesWaiting() < n) {
      if (System.nanoTime() - deadline > 0) {
        fail("expected " + n + " batches waiting, got " + embedder.batchesWaiting());
      }
      Thread.sleep(1);
    }
  }

  @Test
  void interactiveWorkRunsOnAWorkerAndChargesItsCpuToTheCallersAccount() {
    CpuAccount account = new CpuAccount();
    String thread = CpuAccount.charging(account, () -> bgeQ.interactive(() -> {
      long start = ThreadCpu.now();
      while (ThreadCpu.now() - start < 5_000_000) {
        Thread.onSpinWait(); // 5 ms of this worker's CPU
      }
      return Thread.currentThread().getName();
    }));
    assertTrue(thread.startsWith("quarry-embed-bge-small-en-v1.5-q-"), thread);
    assertTrue(account.nanos() >= 5_000_000, "charged " + account.nanos() + " ns");
  }

  @Test
  void interactiveWorkRethrowsItsUncheckedFailuresAndWrapsCheckedOnes() {
    IllegalArgumentException bad = new IllegalArgumentException("bad pair");
    assertSame(bad, assertThrows(IllegalArgumentException.class, () -> bgeQ.interactive(() -> {
      throw bad;
    })));
    IllegalStateException wrapped = assertThrows(IllegalStateException.class, () -> bgeQ.interactive(() -> {
      throw new IOException("disk gone");
    }));
    assertEquals("running model work with 'bge-small-en-v1.5-q' failed: disk gone", wrapped.getMessage());
    assertInstanceOf(IOException.class, wrapped.getCause());
    assertEquals(42, bgeQ.interactive(() -> 42), "the slots still work after failures");
  }
}
