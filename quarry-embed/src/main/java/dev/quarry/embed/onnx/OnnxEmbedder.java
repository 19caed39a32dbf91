package dev.quarry.embed.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InferenceSlots;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.observe.CpuAccount;
import dev.quarry.core.observe.ThreadCpu;
import dev.quarry.embed.model.EmbeddingModels;
import dev.quarry.embed.model.ModelResources;
import dev.quarry.embed.model.ModelSpec;
import dev.quarry.embed.model.Pooling;
import dev.quarry.embed.tokenizer.ModelInput;
import dev.quarry.embed.tokenizer.ModelTokenizer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

/**
 * An in-process embedding model run by ONNX Runtime: tokenises with the model's own tokenizer
 * (adding the model's prefix for the input kind), truncates to the model's limit keeping [SEP],
 * runs batches padded to their longest member, pools (CLS or mean) and L2-normalises.
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li>The ONNX graph is read from the classpath once and {@link OnnxEmbedderConfig#sessions()}
 *       sessions are built from those bytes; each session belongs to a pool of named worker threads
 *       ({@code quarry-embed-<model>-<n>}) of the same size, so at most that many model calls run
 *       at once however many callers there are.
 *   <li>Query batches overtake waiting document batches, so searches stay fast during a bulk
 *       ingest, but not forever: see {@link BatchQueue} for how ingestion keeps moving.
 *   <li>The workers are also the {@link InferenceSlots} of other in-process models (the
 *       cross-encoder re-ranker): {@link #interactive} runs their work as a query batch. A worker
 *       running such work holds its place in the pool (its session stays idle) until the work
 *       returns; that is the point: at most {@code sessions} model calls run at once, of any model.
 *   <li>The CPU time a worker spends on a batch is charged to the caller's {@link CpuAccount}
 *       when one is bound, so a timed stage counts the model's work and not just its own wait.
 *   <li>Inputs are sorted by token count before batching, so a batch holds texts of similar length
 *       and little padding; vectors are returned in the callers' order.
 *   <li>Only the inputs the graph declares are fed ({@code input_ids}, {@code attention_mask},
 *       {@code token_type_ids}).
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} waits for running batches, then frees the sessions and the
 * tokenizer. A JVM shutdown hook does the same for an embedder still open at exit: ONNX Runtime
 * crashes the JVM (SIGSEGV in libonnxruntime) when the process exits while a batch runs.
 */
public final class OnnxEmbedder implements Embedder, InferenceSlots, AutoCloseable {

  private static final String INPUT_IDS = "input_ids";
  private static final String ATTENTION_MASK = "attention_mask";
  private static final String TOKEN_TYPE_IDS = "token_type_ids";
  private static final String LAST_HIDDEN_STATE = "last_hidden_state";

  private final OnnxEmbedderConfig config;
  private final ModelSpec spec;
  private final ModelTokenizer tokenizer;
  private final OrtEnvironment environment;
  private final List<OrtSession> allSessions;
  private final BlockingQueue<OrtSession> idleSessions;
  private final ThreadPoolExecutor workers;
  private final LongSupplier clock;
  private final AtomicLong submitted = new AtomicLong();
  private final List<String> inputNames;
  private final String outputName;
  private final Thread shutdownHook;
  private volatile boolean closed;

  private OnnxEmbedder(
      OnnxEmbedderConfig config,
      ModelSpec spec,
      ModelTokenizer tokenizer,
      OrtEnvironment environment,
      List<OrtSession> sessions,
      List<String> inputNames,
      String outputName,
      LongSupplier clock) {
    this.config = config;
    this.spec = spec;
    this.tokenizer = tokenizer;
    this.environment = environment;
    this.allSessions = List.copyOf(sessions);
    this.idleSessions = new ArrayBlockingQueue<>(sessions.size(), false, sessions);
    this.workers =
        new ThreadPoolExecutor(
            sessions.size(), sessions.size(), 0, TimeUnit.SECONDS, new BatchQueue(sessions.size() - 1, clock),
            namedThreads(spec.id()));
    this.clock = clock;
    this.inputNames = List.copyOf(inputNames);
    this.outputName = outputName;
    this.shutdownHook = new Thread(this::closeOnce, "quarry-embed-" + spec.id() + "-shutdown");
  }

  /** Loads the configured model (tokenizer and ONNX graph) from the classpath. */
  public static OnnxEmbedder open(OnnxEmbedderConfig config) {
    return open(config, System::nanoTime);
  }

  /**
   * As {@link #open(OnnxEmbedderConfig)}, with the clock ({@link System#nanoTime()}'s kind) that
   * times how long a document batch has waited ({@link BatchQueue}): tests freeze it.
   */
  static OnnxEmbedder open(OnnxEmbedderConfig config, LongSupplier clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    ModelSpec spec = EmbeddingModels.byId(config.modelId());
    ModelTokenizer tokenizer = ModelTokenizer.load(spec);
    List<OrtSession> sessions = new ArrayList<>();
    try {
      byte[] graph = ModelResources.read(spec, spec.onnxResource());
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setIntraOpNumThreads(config.intraOpThreads());
        options.setInterOpNumThreads(1);
        for (int i = 0; i < config.sessions(); i++) {
          sessions.add(environment.createSession(graph, options));
        }
      }
      OrtSession first = sessions.getFirst();
      List<String> inputs = declaredInputs(spec, first);
      String output = hiddenStateOutput(spec, first);
      OnnxEmbedder embedder = new OnnxEmbedder(config, spec, tokenizer, environment, sessions, inputs, output, clock);
      Runtime.getRuntime().addShutdownHook(embedder.shutdownHook);
      return embedder;
    } catch (OrtException | RuntimeException e) {
      sessions.forEach(OnnxEmbedder::closeQuietly);
      tokenizer.close();
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(
          "cannot load ONNX model of embedding model '" + spec.id() + "': " + e.getMessage(), e);
    }
  }

  /** Loads the default model with the measured default settings. */
  public static OnnxEmbedder openDefault() {
    return open(OnnxEmbedderConfig.defaults());
  }

  @Override
  public EmbeddingModelInfo info() {
    return spec.info();
  }

  public ModelSpec spec() {
    return spec;
  }

  public OnnxEmbedderConfig config() {
    return config;
  }

  /**
   * The model's tokenizer, for chunkers that measure text in this model's tokens. It belongs to
   * this embedder and is closed with it.
   */
  public ModelTokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public float[][] embed(List<String> texts, InputKind kind) {
    Objects.requireNonNull(texts, "texts");
    Objects.requireNonNull(kind, "kind");
    requireOpen();
    String prefix = spec.prefix(kind);
    ModelInput[] inputs = new ModelInput[texts.size()];
    for (int i = 0; i < inputs.length; i++) {
      int index = i;
      String text = Objects.requireNonNull(texts.get(i), () -> "texts[" + index + "] is null");
      try {
        inputs[i] = tokenizer.encode(prefix.isEmpty() ? text : prefix + text);
      } catch (IllegalStateException e) {
        // close() frees the tokenizer while a caller still tokenizes: the caller sees the embedder
        // closed, as it would had close() come a moment earlier (seen under load in CI runs)
        if (closed) {
          throw new IllegalStateException("embedder '" + spec.id() + "' is closed", e);
        }
        throw e;
      }
    }
    int[] order =
        IntStream.range(0, inputs.length)
            .boxed()
            .sorted(Comparator.comparingInt(i -> inputs[i].length()))
            .mapToInt(Integer::intValue)
            .toArray();
    float[][] vectors = new float[inputs.length][];
    Optional<CpuAccount> account = CpuAccount.current();
    List<Future<?>> batches = new ArrayList<>();
    for (int from = 0; from < order.length; from += config.batchSize()) {
      int[] batch = Arrays.copyOfRange(order, from, Math.min(order.length, from + config.batchSize()));
      Callable<Void> run = charged(account, () -> {
        runBatch(inputs, batch, vectors);
        return null;
      });
      BatchTask task = new BatchTask(run, kind, submitted.getAndIncrement(), clock.getAsLong());
      try {
        workers.execute(task);
        batches.add(task);
      } catch (RejectedExecutionException e) {
        batches.forEach(b -> b.cancel(false));
        throw new IllegalStateException("embedder '" + spec.id() + "' is closed", e);
      }
    }
    awaitAll(batches, "embedding");
    return vectors;
  }

  /**
   * Runs {@code work} on one of this embedder's workers as a query batch: it goes before waiting
   * document batches as a query embedding would ({@link BatchQueue}), and the worker's CPU time is
   * charged to the caller's {@link CpuAccount} when one is bound. While the work runs, the worker
   * is not free for embeddings: the pool bounds the model calls of every model that shares it.
   *
   * @throws IllegalStateException when this embedder is closed (or closes before the work starts),
   *     when the caller is interrupted while waiting, or wrapping a checked exception of the work
   */
  @Override
  public <T> T interactive(Callable<T> work) {
    Objects.requireNonNull(work, "work");
    requireOpen();
    AtomicReference<T> result = new AtomicReference<>();
    Callable<Void> run = charged(CpuAccount.current(), () -> {
      result.set(work.call());
      return null;
    });
    BatchTask task = new BatchTask(run, InputKind.QUERY, submitted.getAndIncrement(), clock.getAsLong());
    try {
      workers.execute(task);
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("embedder '" + spec.id() + "' is closed", e);
    }
    awaitAll(List.of(task), "running model work");
    return result.get();
  }

  /** Batches waiting for a worker (not those running): for tests. */
  int batchesWaiting() {
    return workers.getQueue().size();
  }

  /**
   * {@code work} charging the CPU time of the thread that runs it (a worker) to the caller's
   * account, or {@code work} itself when the caller has none.
   */
  private static Callable<Void> charged(Optional<CpuAccount> account, Callable<Void> work) {
    if (account.isEmpty()) {
      return work;
    }
    CpuAccount caller = account.get();
    return () -> {
      long start = ThreadCpu.now();
      try {
        return work.call();
      } finally {
        long end = ThreadCpu.now();
        if (start >= 0 && end >= 0) {
          caller.charge(end - start);
        }
      }
    };
  }

  private void runBatch(ModelInput[] inputs, int[] batch, float[][] vectors) {
    int rows = batch.length;
    int length = 0;
    for (int index : batch) {
      length = Math.max(length, inputs[index].length());
    }
    long[] ids = new long[rows * length];
    long[] mask = new long[rows * length];
    long[] types = new long[rows * length];
    for (int row = 0; row < rows; row++) {
      ModelInput input = inputs[batch[row]];
      System.arraycopy(input.ids(), 0, ids, row * length, input.length());
      System.arraycopy(input.typeIds(), 0, types, row * length, input.length());
      Arrays.fill(mask, row * length, row * length + input.length(), 1L);
    }
    long[] shape = {rows, length};
    OrtSession session = borrowSession();
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      for (String name : inputNames) {
        long[] values =
            switch (name) {
              case INPUT_IDS -> ids;
              case ATTENTION_MASK -> mask;
              case TOKEN_TYPE_IDS -> types;
              default -> throw new IllegalStateException("unexpected model input " + name);
            };
        feed.put(name, OnnxTensor.createTensor(environment, LongBuffer.wrap(values), shape));
      }
      try (OrtSession.Result result = session.run(feed)) {
        OnnxTensor hidden =
            (OnnxTensor)
                result
                    .get(outputName)
                    .orElseThrow(() -> new IllegalStateException("model returned no " + outputName));
        FloatBuffer states = hidden.getFloatBuffer();
        Pooling pooling = spec.pooling();
        for (int row = 0; row < rows; row++) {
          float[] vector = new float[spec.dimension()];
          pooling.pool(states, row, length, inputs[batch[row]].length(), vector);
          if (spec.normalized()) {
            Pooling.normalize(vector);
          }
          vectors[batch[row]] = vector;
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException(
          "embedding model '" + spec.id() + "' failed on a batch of " + rows + " texts of up to "
              + length + " tokens: " + e.getMessage(),
          e);
    } finally {
      feed.values().forEach(OnnxTensor::close);
      idleSessions.add(session);
    }
  }

  private OrtSession borrowSession() {
    OrtSession session = idleSessions.poll();
    if (session == null) { // cannot happen: one session per worker thread
      throw new IllegalStateException("no idle ONNX session for embedding model '" + spec.id() + "'");
    }
    return session;
  }

  /**
   * Waits for every batch; on the first failure cancels those not started and rethrows its
   * unchecked exception or error (a checked one wrapped). {@code doing} names the work in messages.
   */
  private void awaitAll(List<? extends Future<?>> batches, String doing) {
    try {
      for (Future<?> batch : batches) {
        batch.get();
      }
    } catch (InterruptedException e) {
      batches.forEach(b -> b.cancel(false));
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + doing + " with '" + spec.id() + "'", e);
    } catch (ExecutionException e) {
      batches.forEach(b -> b.cancel(false));
      switch (e.getCause()) {
        case RuntimeException runtime -> throw runtime;
        case Error error -> throw error;
        case Throwable cause -> throw new IllegalStateException(
            doing + " with '" + spec.id() + "' failed: " + cause.getMessage(), cause);
      }
    } catch (CancellationException e) {
      throw new IllegalStateException("embedder '" + spec.id() + "' was closed while " + doing, e);
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("embedder '" + spec.id() + "' is closed");
    }
  }

  /**
   * Stops taking batches (queued ones are cancelled: their callers get an exception), waits for
   * running ones, then frees the ONNX sessions and the tokenizer. Idempotent.
   */
  @Override
  public void close() {
    closeOnce();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook is what called us or will find us closed
    }
  }

  private synchronized void closeOnce() {
    if (closed) {
      return;
    }
    closed = true;
    for (Runnable queued : workers.shutdownNow()) {
      if (queued instanceof Future<?> batch) {
        batch.cancel(false);
      }
    }
    try {
      if (!workers.awaitTermination(60, TimeUnit.SECONDS)) {
        return; // a batch is stuck in native code: freeing its session now could crash the JVM
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    allSessions.forEach(OnnxEmbedder::closeQuietly);
    tokenizer.close();
  }

  private static List<String> declaredInputs(ModelSpec spec, OrtSession session) {
    List<String> declared = new ArrayList<>(session.getInputNames());
    for (String name : declared) {
      if (!name.equals(INPUT_IDS) && !name.equals(ATTENTION_MASK) && !name.equals(TOKEN_TYPE_IDS)) {
        throw new IllegalStateException(
            "embedding model '" + spec.id() + "' declares input '" + name
                + "'; Quarry feeds only input_ids, attention_mask and token_type_ids");
      }
    }
    if (!declared.contains(INPUT_IDS)) {
      throw new IllegalStateException(
          "embedding model '" + spec.id() + "' declares no input_ids input, only " + declared);
    }
    return declared;
  }

  private static String hiddenStateOutput(ModelSpec spec, OrtSession session) throws OrtException {
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    NodeInfo node = outputs.get(LAST_HIDDEN_STATE);
    if (node == null) {
      node = outputs.values().iterator().next();
    }
    if (!(node.getInfo() instanceof TensorInfo tensor)
        || tensor.getShape().length != 3
        || tensor.getShape()[2] != spec.dimension()) {
      throw new IllegalStateException(
          "embedding model '" + spec.id() + "' output '" + node.getName() + "' is " + node.getInfo()
              + ", expected a [batch, sequence, " + spec.dimension() + "] float tensor");
    }
    return node.getName();
  }

  private static ThreadFactory namedThreads(String modelId) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "quarry-embed-" + modelId + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      // nothing useful to do when freeing native memory fails at shutdown
    }
  }
}
