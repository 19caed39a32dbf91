package dev.quarry.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.search.RerankCandidate;
import dev.quarry.core.search.RerankOutcome;
import dev.quarry.embed.model.EmbeddingModels;
import dev.quarry.embed.model.ModelResources;
import dev.quarry.embed.model.ModelSpec;
import dev.quarry.embed.onnx.OnnxEmbedder;
import dev.quarry.rerank.crossencoder.CrossEncoderConfig;
import dev.quarry.rerank.crossencoder.CrossEncoderReranker;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./quarry bench cross-encoder --dataset DIR [--pairs N] [--rounds R] [--max-tokens T]
 * [--batch B]}: the cross-encoder runtime's cost per (query, passage) pair on a BERT-sized graph.
 * No cross-encoder weights ship here, so the bench builds one: the shipped e5-small-v2 int8 encoder
 * (12 layers, hidden size 384: the shape of the common MiniLM-L-12 cross-encoders) with a
 * classification head appended to its ONNX graph (the [CLS] vector times a 384x1 matrix, output
 * {@code logits} [batch, 1]). The scores mean nothing; the work per pair is a real cross-encoder's:
 * tokenising the pair, running 12 transformer layers over up to {@code max-tokens} tokens, the head.
 * Pairs are the dataset's first N documents (title and text) with its first query; one ONNX
 * Runtime thread per call. Prints wall and process CPU time per pair.
 *
 * <p>With {@code --during-ingest N}, the default embedding model meanwhile embeds the same passages
 * as a bulk ingest does (one thread, calls of N documents), and each round times a re-rank on the
 * calling thread ({@code InferenceSlots.CALLER}) and one through the embedder's workers (query
 * priority), in alternating order, with the documents embedded per second during each.
 */
final class CrossEncoderBenchmark {

  private CrossEncoderBenchmark() {}

  static void run(String[] args) throws Exception {
    Path dataset = null;
    int pairs = 50;
    int rounds = 5;
    int maxTokens = 512;
    int batch = 16;
    int duringIngest = 0;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--dataset" -> dataset = Path.of(args[i + 1]);
        case "--pairs" -> pairs = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--max-tokens" -> maxTokens = Integer.parseInt(args[i + 1]);
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--during-ingest" -> duringIngest = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (dataset == null) {
      throw new IllegalArgumentException("usage: cross-encoder --dataset DIR [--pairs N] [--rounds R] [--max-tokens T] [--batch B] [--during-ingest N]");
    }
    ModelSpec spec = EmbeddingModels.byId("e5-small-v2-q");
    Path dir = Files.createTempDirectory("quarry-cross-encoder-bench");
    Path model = dir.resolve("cross-encoder.onnx");
    Path tokenizer = dir.resolve("tokenizer.json");
    byte[] encoder = ModelResources.read(spec, spec.onnxResource());
    Files.write(model, withHead(encoder, hiddenOutput(encoder)));
    Files.write(tokenizer, ModelResources.read(spec, spec.tokenizerResource()));

    ObjectMapper json = new ObjectMapper();
    String query = json.readTree(Files.readAllLines(dataset.resolve("queries.jsonl")).getFirst()).get("text").asText();
    List<RerankCandidate> candidates = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(dataset.resolve("corpus.jsonl"))) {
      String line;
      while (candidates.size() < pairs && (line = in.readLine()) != null) {
        JsonNode n = json.readTree(line);
        String id = n.get("_id").asText();
        candidates.add(new RerankCandidate(id + "#0", id, RerankCandidate.textOf(n.path("title").asText(""), n.path("text").asText(""))));
      }
    }
    if (duringIngest > 0) {
      try {
        compareDuringIngest(new CrossEncoderConfig(model, tokenizer, maxTokens, batch, 1), query, candidates, duringIngest,
            rounds);
      } finally {
        Files.deleteIfExists(model);
        Files.deleteIfExists(tokenizer);
        Files.deleteIfExists(dir);
      }
      System.out.println(Machine.describe());
      return;
    }
    try (CrossEncoderReranker reranker = CrossEncoderReranker.open(new CrossEncoderConfig(model, tokenizer, maxTokens, batch, 1))) {
      for (int i = 0; i < 2; i++) { // warm-up
        check(reranker.score(query, candidates));
      }
      long[] wall = new long[rounds];
      long[] cpu = new long[rounds];
      for (int r = 0; r < rounds; r++) {
        long c0 = Machine.processCpuNanos();
        long w0 = System.nanoTime();
        check(reranker.score(query, candidates));
        wall[r] = System.nanoTime() - w0;
        cpu[r] = Machine.processCpuNanos() - c0;
      }
      System.out.printf(Locale.ROOT, "cross-encoder (e5-small-v2 int8 encoder + head, 12 layers x 384), %d pairs per call, "
          + "max %d tokens, batches of %d, %d rounds: per pair wall median %.2f ms, cpu median %.2f ms; per call wall %s; cpu %s%n",
          candidates.size(), maxTokens, batch, rounds, new Percentiles(wall).millis(50) / candidates.size(),
          new Percentiles(cpu).millis(50) / candidates.size(), new Percentiles(wall), new Percentiles(cpu));
    } finally {
      Files.deleteIfExists(model);
      Files.deleteIfExists(tokenizer);
      Files.deleteIfExists(dir);
    }
    System.out.println(Machine.describe());
  }

  /** Re-rank wall time on the caller against on the embedder's workers, while a bulk ingest embeds. */
  private static void compareDuringIngest(CrossEncoderConfig config, String query, List<RerankCandidate> candidates,
      int ingestBatch, int rounds) throws InterruptedException {
    List<String> documents = candidates.stream().map(RerankCandidate::text).toList();
    try (OnnxEmbedder embedder = OnnxEmbedder.openDefault();
        CrossEncoderReranker onCaller = CrossEncoderReranker.open(config);
        CrossEncoderReranker onWorkers = CrossEncoderReranker.open(config, embedder)) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong embedded = new AtomicLong();
      Thread ingest = Thread.ofPlatform().name("bench-ingest").start(() -> {
        for (int from = 0; !stop.get(); from = from + ingestBatch >= documents.size() ? 0 : from + ingestBatch) {
          List<String> texts = documents.subList(from, Math.min(documents.size(), from + ingestBatch));
          embedder.embed(texts, InputKind.DOCUMENT);
          embedded.addAndGet(texts.size());
        }
      });
      try {
        check(onCaller.score(query, candidates)); // warm-up, under the ingest already
        check(onWorkers.score(query, candidates));
        long[] callerWall = new long[rounds];
        long[] workersWall = new long[rounds];
        long[] callerDocs = new long[rounds];
        long[] workersDocs = new long[rounds];
        for (int r = 0; r < rounds; r++) {
          for (int k = 0; k < 2; k++) {
            boolean caller = (r + k) % 2 == 0;
            long d0 = embedded.get();
            long w0 = System.nanoTime();
            check((caller ? onCaller : onWorkers).score(query, candidates));
            (caller ? callerWall : workersWall)[r] = System.nanoTime() - w0;
            (caller ? callerDocs : workersDocs)[r] = embedded.get() - d0;
          }
        }
        System.out.printf(Locale.ROOT, "during a bulk ingest by %s (%d sessions, calls of %d documents), %d pairs per re-rank, "
            + "max %d tokens, batches of %d, %d rounds:%n  on the caller:            wall %s; ingest %.1f docs/s%n"
            + "  on the embedder's workers: wall %s; ingest %.1f docs/s%n",
            embedder.spec().id(), embedder.config().sessions(), ingestBatch, candidates.size(), config.maxTokens(),
            config.batchSize(), rounds, new Percentiles(callerWall), rate(callerDocs, callerWall), new Percentiles(workersWall),
            rate(workersDocs, workersWall));
      } finally {
        stop.set(true);
        ingest.join();
      }
    }
  }

  /** Documents per second over all rounds (counted in whole embed calls, so coarse for short rounds). */
  private static double rate(long[] documents, long[] nanos) {
    long d = 0;
    long n = 0;
    for (int i = 0; i < documents.length; i++) {
      d += documents[i];
      n += nanos[i];
    }
    return d / (n / 1e9);
  }

  private static void check(RerankOutcome o) {
    if (o instanceof RerankOutcome.Unavailable u) {
      throw new IllegalStateException(u.reason());
    }
  }

  /** The encoder's [batch, sequence, hidden] output. */
  private static String hiddenOutput(byte[] encoder) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(encoder, new OrtSession.SessionOptions())) {
      return s.getOutputNames().iterator().next();
    }
  }

  /**
   * The encoder's ModelProto with a second GraphProto appended: protobuf merges a repeated
   * embedded message into the first, so its nodes, initializers and output are added to the graph.
   * Field numbers are onnx.proto's.
   */
  static byte[] withHead(byte[] encoder, String hidden) {
    int dim = 384;
    float[] w = new float[dim];
    for (int i = 0; i < dim; i++) {
      w[i] = (float) Math.sin(0.1 * i) / dim;
    }
    Proto gatherAxis = new Proto().string(1, "axis").int64(3, 1).int64(20, 2);
    Proto gather = new Proto().string(1, hidden).string(1, "head_cls_index").string(2, "head_cls")
        .string(3, "head_gather").string(4, "Gather").message(5, gatherAxis);
    Proto matmul = new Proto().string(1, "head_cls").string(1, "head_w").string(2, "logits")
        .string(3, "head_matmul").string(4, "MatMul");
    Proto index = new Proto().int64(2, 7).packedInt64s(7, new long[] {0}).string(8, "head_cls_index"); // int64 scalar
    Proto weights = new Proto().int64(1, dim).int64(1, 1).int64(2, 1).packedFloats(4, w).string(8, "head_w");
    Proto shape = new Proto().message(1, new Proto().string(2, "batch")).message(1, new Proto().int64(1, 1));
    Proto output = new Proto().string(1, "logits").message(2, new Proto().message(1, new Proto().int64(1, 1).message(2, shape)));
    Proto head = new Proto().message(1, gather).message(1, matmul).message(5, index).message(5, weights).message(12, output);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(encoder);
    out.writeBytes(new Proto().message(7, head).toBytes());
    return out.toByteArray();
  }

  /** Just enough of the protobuf wire format for the head. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    Proto int64(int field, long v) {
      varint(((long) field << 3));
      varint(v);
      return this;
    }

    Proto bytes(int field, byte[] b) {
      varint(((long) field << 3) | 2);
      varint(b.length);
      out.writeBytes(b);
      return this;
    }

    Proto string(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto m) {
      return bytes(field, m.toBytes());
    }

    Proto packedFloats(int field, float[] values) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(values.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        b.putFloat(v);
      }
      return bytes(field, b.array());
    }

    Proto packedInt64s(int field, long[] values) {
      Proto inner = new Proto();
      for (long v : values) {
        inner.varint(v);
      }
      return bytes(field, inner.toBytes());
    }

    byte[] toBytes() {
      return out.toByteArray();
    }
  }
}
