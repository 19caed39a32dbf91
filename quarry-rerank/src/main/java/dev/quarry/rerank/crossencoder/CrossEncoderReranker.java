package dev.quarry.rerank.crossencoder;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.quarry.core.embed.InferenceSlots;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.search.RerankCandidate;
import dev.quarry.core.search.RerankOutcome;
import dev.quarry.core.search.Reranker;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Runs the user's cross-encoder (see {@link CrossEncoderConfig}): each (query, candidate) pair is
 * tokenised as BERT's pair input ({@code [CLS] query [SEP] passage [SEP]}, token types 0 then 1,
 * the longer side cut first to {@code maxTokens}), pairs are sorted by length and run in batches
 * padded to their longest member, and each pair's score is its logit (for a two-class head, the
 * positive logit minus the negative one, which orders as the positive class's probability).
 *
 * <p>Each batch's model call runs through the {@link InferenceSlots} it was opened with: in the
 * server, the default embedding model's workers, so a re-rank is scheduled like a query embedding
 * (before a bulk ingest's waiting batches) and counts against the same bound on concurrent model
 * calls; tokenising stays on the caller's thread.
 *
 * <p>Thread-safe: ONNX Runtime sessions run concurrently. A model failure is reported as {@link
 * RerankOutcome.Unavailable}; a graph or tokenizer that does not fit is refused when opened, with
 * the path and the reason.
 */
public final class CrossEncoderReranker implements Reranker, AutoCloseable {

  private static final String INPUT_IDS = "input_ids";
  private static final String ATTENTION_MASK = "attention_mask";
  private static final String TOKEN_TYPE_IDS = "token_type_ids";

  private final CrossEncoderConfig config;
  private final HuggingFaceTokenizer tokenizer;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final List<String> inputs;
  private final String output;
  private final InferenceSlots slots;

  private CrossEncoderReranker(CrossEncoderConfig config, HuggingFaceTokenizer tokenizer, OrtEnvironment environment,
      OrtSession session, List<String> inputs, String output, InferenceSlots slots) {
    this.config = config;
    this.tokenizer = tokenizer;
    this.environment = environment;
    this.session = session;
    this.inputs = inputs;
    this.output = output;
    this.slots = slots;
  }

  /**
   * Loads the model and tokenizer from their paths; nothing is downloaded. Model calls run on the
   * calling thread ({@link InferenceSlots#CALLER}).
   */
  public static CrossEncoderReranker open(CrossEncoderConfig config) {
    return open(config, InferenceSlots.CALLER);
  }

  /**
   * Loads the model and tokenizer from their paths; nothing is downloaded. Each batch's model call
   * runs through {@code slots} (an embedder's workers, so it goes before waiting ingestion).
   */
  public static CrossEncoderReranker open(CrossEncoderConfig config, InferenceSlots slots) {
    Objects.requireNonNull(slots, "slots");
    if (!Files.isRegularFile(config.model())) {
      throw new InvalidInputException("cross-encoder model file not found: " + config.model());
    }
    if (!Files.isRegularFile(config.tokenizer())) {
      throw new InvalidInputException("cross-encoder tokenizer file not found: " + config.tokenizer());
    }
    if (System.getenv("OPT_OUT_TRACKING") == null && System.getProperty("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true"); // no DJL usage telemetry
    }
    HuggingFaceTokenizer tokenizer;
    try {
      tokenizer = HuggingFaceTokenizer.newInstance(config.tokenizer(), Map.of(
          "addSpecialTokens", "true", "truncation", "longest_first", "padding", "false",
          "maxLength", Integer.toString(config.maxTokens())));
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException("cannot load cross-encoder tokenizer " + config.tokenizer() + ": " + e.getMessage(), e);
    }
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    OrtSession session = null;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setIntraOpNumThreads(config.intraOpThreads());
      options.setInterOpNumThreads(1);
      session = environment.createSession(config.model().toString(), options);
      List<String> declared = new ArrayList<>(session.getInputNames());
      for (String required : List.of(INPUT_IDS, ATTENTION_MASK)) {
        if (!declared.contains(required)) {
          throw new InvalidInputException("cross-encoder " + config.model() + " has no input '" + required
              + "' (inputs: " + declared + ")");
        }
      }
      for (String name : declared) {
        if (!List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS).contains(name)) {
          throw new InvalidInputException("cross-encoder " + config.model() + " declares input '" + name
              + "'; only input_ids, attention_mask and token_type_ids can be fed");
        }
      }
      String output = logitsOutput(config, session);
      return new CrossEncoderReranker(config, tokenizer, environment, session, List.copyOf(declared), output, slots);
    } catch (OrtException | RuntimeException e) {
      tokenizer.close();
      if (session != null) {
        try {
          session.close();
        } catch (OrtException ignored) {
          // already failing
        }
      }
      if (e instanceof InvalidInputException invalid) {
        throw invalid;
      }
      throw new InvalidInputException("cannot load cross-encoder " + config.model() + ": " + e.getMessage(), e);
    }
  }

  private static String logitsOutput(CrossEncoderConfig config, OrtSession session) throws OrtException {
    for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
      if (e.getValue().getInfo() instanceof TensorInfo t && t.type == ai.onnxruntime.OnnxJavaType.FLOAT
          && t.getShape().length >= 1 && t.getShape().length <= 2
          && (t.getShape().length == 1 || t.getShape()[1] == 1 || t.getShape()[1] == 2 || t.getShape()[1] < 0)) {
        return e.getKey();
      }
    }
    throw new InvalidInputException("cross-encoder " + config.model() + " has no float logits output of shape "
        + "[batch], [batch, 1] or [batch, 2]; outputs: " + session.getOutputInfo().values());
  }

  @Override
  public RerankOutcome score(String query, List<RerankCandidate> candidates) {
    int n = candidates.size();
    Encoding[] encodings = new Encoding[n];
    for (int i = 0; i < n; i++) {
      encodings[i] = tokenizer.encode(query, candidates.get(i).text());
    }
    int[] order = IntStream.range(0, n).boxed()
        .sorted(Comparator.comparingInt(i -> encodings[i].getIds().length))
        .mapToInt(Integer::intValue).toArray();
    double[] scores = new double[n];
    try {
      for (int from = 0; from < n; from += config.batchSize()) {
        int[] batch = Arrays.copyOfRange(order, from, Math.min(n, from + config.batchSize()));
        slots.interactive(() -> {
          runBatch(encodings, batch, scores);
          return null;
        });
      }
    } catch (RuntimeException e) {
      return new RerankOutcome.Unavailable("cross-encoder " + config.model().getFileName() + " failed: " + e.getMessage());
    }
    return new RerankOutcome.Scored(Arrays.stream(scores).boxed().toList());
  }

  private void runBatch(Encoding[] encodings, int[] batch, double[] scores) throws OrtException {
    int rows = batch.length;
    int length = 0;
    for (int i : batch) {
      length = Math.max(length, encodings[i].getIds().length);
    }
    long[] ids = new long[rows * length];
    long[] mask = new long[rows * length];
    long[] types = new long[rows * length];
    for (int row = 0; row < rows; row++) {
      Encoding e = encodings[batch[row]];
      int len = e.getIds().length;
      System.arraycopy(e.getIds(), 0, ids, row * length, len);
      System.arraycopy(e.getTypeIds(), 0, types, row * length, len);
      Arrays.fill(mask, row * length, row * length + len, 1L);
    }
    long[] shape = {rows, length};
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      for (String name : inputs) {
        long[] values = switch (name) {
          case INPUT_IDS -> ids;
          case ATTENTION_MASK -> mask;
          default -> types;
        };
        feed.put(name, OnnxTensor.createTensor(environment, LongBuffer.wrap(values), shape));
      }
      try (OrtSession.Result result = session.run(feed, java.util.Set.of(output))) {
        OnnxValue value = result.get(0);
        java.nio.FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
        float[] logits = new float[buffer.remaining()];
        buffer.get(logits);
        int perRow = logits.length / rows;
        if (perRow * rows != logits.length || perRow < 1 || perRow > 2) {
          throw new IllegalStateException("logits output has " + logits.length + " values for " + rows + " pairs");
        }
        for (int row = 0; row < rows; row++) {
          scores[batch[row]] = perRow == 1 ? logits[row] : logits[row * 2 + 1] - logits[row * 2];
        }
      }
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() {
    tokenizer.close();
    try {
      session.close();
    } catch (OrtException ignored) {
      // closing: nothing left to do
    }
  }
}
