package dev.quarry.embed.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.quarry.core.chunk.TokenSpans;
import dev.quarry.core.chunk.Tokenizer;
import dev.quarry.core.error.StorageException;
import dev.quarry.embed.model.ModelResources;
import dev.quarry.embed.model.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An embedding model's own tokenizer (the HuggingFace tokenizer.json shipped with the model, run by
 * DJL's native binding). It measures chunks in model tokens ({@link #tokenize}) and prepares model
 * inputs ({@link #encode}). Thread-safe; {@link #close()} frees the native tokenizer after calls
 * in progress, and later calls fail.
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li>The tokenizer.json's own truncation and padding are switched off (MiniLM's file truncates
 *       at 128 and pads to 128): {@link #tokenize} sees the whole text, and {@link #encode}
 *       truncates to the model's true limit itself, keeping the closing [SEP].
 *   <li>{@link #tokenize} hands the native tokenizer at most {@value #WINDOW_CHARS} chars at a
 *       time, cut after a space or line break (the BERT tokenizers split words there, so the
 *       tokens are those of one call; a window with no space or line break in its second half is
 *       cut where it ends, which can split a word). In one call, the tokenizer's working memory
 *       was about 100 bytes per char of text, and glibc kept it after the call: a 2 MB document
 *       left {@code quarry serve} with 214 MiB more native memory for good ({@code ./quarry bench
 *       load --large-document 2}, docs/benchmarks.md), a 7 MB one at 1.4 GB resident (issue 7,
 *       item 9).
 *   <li>DJL reports offsets in Unicode code points; they are converted to UTF-16 {@code char}
 *       offsets so that {@code text.substring(start, end)} is the token's source text.
 *   <li>DJL's native library ships inside its jar (linux-x86_64, linux-aarch64, osx-aarch64,
 *       win-x86_64) and is extracted once to {@code $DJL_CACHE_DIR/tokenizers} (default
 *       {@code ~/.djl.ai/tokenizers}; {@code ENGINE_CACHE_DIR} overrides); nothing is downloaded.
 *       DJL's usage telemetry (a call to the EC2 metadata address with 1 s time-outs) is switched
 *       off by setting the system property {@code OPT_OUT_TRACKING=true} unless the environment
 *       or the command line already decided.
 * </ul>
 */
public final class ModelTokenizer implements Tokenizer, AutoCloseable {

  private static final String OPT_OUT_TRACKING = "OPT_OUT_TRACKING";

  /** The most chars {@link #tokenize} gives the native tokenizer in one call. */
  static final int WINDOW_CHARS = 16 * 1024;

  private final ModelSpec spec;
  private final HuggingFaceTokenizer tokenizer;
  private final int specialTokens;
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  private ModelTokenizer(ModelSpec spec, HuggingFaceTokenizer tokenizer) {
    this.spec = spec;
    this.tokenizer = tokenizer;
    this.specialTokens = tokenizer.encode("", true, false).getIds().length;
    if (spec.maxTokens() <= specialTokens) {
      throw new IllegalArgumentException(
          "model " + spec.id() + ": maxTokens " + spec.maxTokens() + " leaves no room beside "
              + specialTokens + " special tokens");
    }
  }

  /** Loads {@code spec}'s tokenizer.json from the classpath. */
  public static ModelTokenizer load(ModelSpec spec) {
    Objects.requireNonNull(spec, "spec");
    byte[] json = ModelResources.read(spec, spec.tokenizerResource());
    optOutOfTelemetry();
    Map<String, String> options =
        Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false");
    try {
      return new ModelTokenizer(spec, HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options));
    } catch (IOException e) {
      throw new StorageException("cannot load tokenizer of embedding model '" + spec.id() + "'", e);
    }
  }

  public ModelSpec spec() {
    return spec;
  }

  /** Content tokens of {@code text} (no [CLS]/[SEP]) with UTF-16 char offsets into it, untruncated. */
  @Override
  public TokenSpans tokenize(String text) {
    return tokenize(text, WINDOW_CHARS);
  }

  /** {@link #tokenize(String)} handing the native tokenizer at most {@code windowChars} at a time. */
  TokenSpans tokenize(String text, int windowChars) {
    Objects.requireNonNull(text, "text");
    int[] starts = new int[0];
    int[] ends = new int[0];
    int count = 0;
    for (int from = 0, to; from < text.length(); from = to) {
      to = windowEnd(text, from, windowChars);
      String window = text.substring(from, to);
      CharSpan[] spans = encodeOpen(window, false).getCharTokenSpans();
      if (count + spans.length > starts.length) {
        int capacity = Math.max(count + spans.length, 2 * starts.length);
        starts = Arrays.copyOf(starts, capacity);
        ends = Arrays.copyOf(ends, capacity);
      }
      CharOffsets offsets = CharOffsets.of(window);
      int previousEnd = from;
      for (CharSpan span : spans) {
        if (span == null) { // not expected without special tokens: give it an empty span in place
          starts[count] = previousEnd;
          ends[count++] = previousEnd;
          continue;
        }
        starts[count] = from + offsets.toChar(span.getStart());
        ends[count] = from + offsets.toChar(span.getEnd());
        previousEnd = ends[count++];
      }
    }
    return new TokenSpans(Arrays.copyOf(starts, count), Arrays.copyOf(ends, count));
  }

  /**
   * Where the window that starts at {@code from} ends: the end of the text when it is near, else
   * just after the last space or line break in the window's second half, else at the window's
   * length (moved back one char rather than split a surrogate pair).
   */
  static int windowEnd(String text, int from, int windowChars) {
    if (text.length() - from <= windowChars) {
      return text.length();
    }
    int limit = from + windowChars;
    for (int i = limit - 1; i >= from + windowChars / 2; i--) {
      char c = text.charAt(i);
      if (c == ' ' || c == '\n') {
        return i + 1;
      }
    }
    return Character.isLowSurrogate(text.charAt(limit)) && limit - 1 > from ? limit - 1 : limit;
  }

  /** The model's maximum input length less its special tokens: 510 for the BERT models. */
  @Override
  public int maxContentTokens() {
    return spec.maxTokens() - specialTokens;
  }

  /**
   * {@code text} as model input: with special tokens, cut to the model's {@code maxTokens} by
   * dropping content tokens from the end while keeping the closing special token(s).
   */
  public ModelInput encode(String text) {
    Objects.requireNonNull(text, "text");
    Encoding encoding = encodeOpen(text, true);
    long[] ids = encoding.getIds();
    long[] typeIds = encoding.getTypeIds();
    int max = spec.maxTokens();
    if (ids.length <= max) {
      return new ModelInput(ids, typeIds, ids.length);
    }
    int closing = trailingOnes(encoding.getSpecialTokenMask());
    return new ModelInput(truncate(ids, max, closing), truncate(typeIds, max, closing), ids.length);
  }

  /** The first {@code max - closing} values followed by the last {@code closing} ones. */
  private static long[] truncate(long[] values, int max, int closing) {
    long[] kept = Arrays.copyOf(values, max);
    System.arraycopy(values, values.length - closing, kept, max - closing, closing);
    return kept;
  }

  /** Encodes under the read lock, so that {@link #close()} never frees the native tokenizer mid-call. */
  private Encoding encodeOpen(String text, boolean withSpecialTokens) {
    Lock lock = lifecycle.readLock();
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("tokenizer of embedding model '" + spec.id() + "' is closed");
      }
      return tokenizer.encode(text, withSpecialTokens, false);
    } finally {
      lock.unlock();
    }
  }

  /** Frees the native tokenizer once running calls are done; later calls fail. Idempotent. */
  @Override
  public void close() {
    Lock lock = lifecycle.writeLock();
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        tokenizer.close();
      }
    } finally {
      lock.unlock();
    }
  }

  private static int trailingOnes(long[] mask) {
    int n = 0;
    for (int i = mask.length - 1; i >= 0 && mask[i] == 1; i--) {
      n++;
    }
    return n;
  }

  private static void optOutOfTelemetry() {
    if (System.getenv(OPT_OUT_TRACKING) == null && System.getProperty(OPT_OUT_TRACKING) == null) {
      System.setProperty(OPT_OUT_TRACKING, "true");
    }
  }
}
