package dev.quarry.embed.cache;

import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.error.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Vectors one embedding model made, kept on disk so that unchanged text is never embedded twice,
 * across restarts. A vector is found by (input kind, SHA-256 of the text); the model id picks the
 * file, so two models never share entries.
 *
 * <p>Format {@value #FORMAT_NAME} (one append-only file per model, {@code <model id>.emb-v1}, in the
 * cache directory; integers big-endian, floats little-endian IEEE 754):
 *
 * <pre>
 * header: magic "QEMBCACH" | int version = 1 | int dimension | short idLength | id (UTF-8) | int CRC32C of the preceding header bytes
 * record: byte kind (0 query, 1 document) | 32 bytes SHA-256(text as UTF-8) | dimension float32 | int CRC32C of the preceding record bytes
 * </pre>
 *
 * <p>Decisions: opening reads every record and keeps only (key, file offset) in memory, so the heap
 * holds about 100 bytes per entry whatever the dimension; a lookup reads the vector from the file
 * (the page cache, in practice). A record cut short or failing its CRC ends the log: it and
 * anything after it is dropped and the file truncated there, so a crash mid-write costs the entries
 * being written, never the cache. Writes go to the OS at once (a crashed process loses nothing);
 * {@link #flush()} and {@link #close()} also force them to the device. A file lock keeps a second
 * process out. {@link #clear()} cuts the file back to its header, so erased vectors leave the file
 * (not only the map). Thread-safe.
 */
public final class EmbeddingCache implements AutoCloseable {

  /** The on-disk format this class reads and writes. */
  public static final String FORMAT_NAME = "emb-v1";

  private static final byte[] MAGIC = "QEMBCACH".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final System.Logger LOG = System.getLogger(EmbeddingCache.class.getName());

  private final EmbeddingModelInfo model;
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final int recordBytes;
  private final Map<ContentKey, Long> offsets;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final Object writeLock = new Object();
  /** Lookups and appends share it; {@link #clear()} takes it alone, so no offset outlives its record. */
  private final ReentrantReadWriteLock clearing = new ReentrantReadWriteLock();
  private final long headerBytes;
  private long end;
  private volatile boolean closed;

  private EmbeddingCache(
      EmbeddingModelInfo model, Path file, FileChannel channel, FileLock lock,
      Map<ContentKey, Long> offsets, long end) {
    this.model = model;
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.recordBytes = recordBytes(model.dimension());
    this.offsets = offsets;
    this.headerBytes = header(model).length;
    this.end = end;
  }

  /**
   * Opens (creating it when absent) the cache of {@code model} in {@code directory}, typically
   * {@code <data dir>/embedding-cache}.
   *
   * @throws StorageException when the file cannot be read or written, is locked by another
   *     process, or holds another model's or dimension's vectors
   */
  public static EmbeddingCache open(Path directory, EmbeddingModelInfo model) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(model, "model");
    Path file = directory.resolve(fileName(model.id()));
    FileChannel channel = null;
    try {
      Files.createDirectories(directory);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = lock(channel, file);
      Map<ContentKey, Long> offsets = new ConcurrentHashMap<>();
      long end = load(channel, file, model, offsets);
      return new EmbeddingCache(model, file, channel, lock, offsets, end);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StorageException("cannot open embedding cache " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  public EmbeddingModelInfo model() {
    return model;
  }

  public Path file() {
    return file;
  }

  /** The vector cached for {@code text} of {@code kind}, counting a hit or a miss. */
  public Optional<float[]> get(InputKind kind, String text) {
    return get(ContentKey.of(kind, Objects.requireNonNull(text, "text")));
  }

  /** Caches {@code vector} for {@code text} of {@code kind}; its length must be the model's dimension. */
  public void put(InputKind kind, String text, float[] vector) {
    putAll(List.of(ContentKey.of(kind, Objects.requireNonNull(text, "text"))), new float[][] {vector});
  }

  Optional<float[]> get(ContentKey key) {
    requireOpen();
    ByteBuffer bytes = ByteBuffer.allocate(model.dimension() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    Lock shared = clearing.readLock();
    shared.lock();
    try {
      Long offset = offsets.get(key);
      if (offset == null) {
        misses.increment();
        return Optional.empty();
      }
      readFully(channel, bytes, offset);
    } catch (IOException e) {
      throw new StorageException("cannot read embedding cache " + file + ": " + e.getMessage(), e);
    } finally {
      shared.unlock();
    }
    float[] vector = new float[model.dimension()];
    bytes.flip().asFloatBuffer().get(vector);
    hits.increment();
    return Optional.of(vector);
  }

  /** Appends one record per key, in one write. */
  void putAll(List<ContentKey> keys, float[][] vectors) {
    if (keys.size() != vectors.length) {
      throw new IllegalArgumentException(keys.size() + " keys but " + vectors.length + " vectors");
    }
    requireOpen();
    ByteBuffer out = ByteBuffer.allocate(recordBytes * keys.size());
    CRC32C crc = new CRC32C();
    for (int i = 0; i < vectors.length; i++) {
      float[] vector = vectors[i];
      if (vector == null || vector.length != model.dimension()) {
        throw new IllegalArgumentException(
            "vector for model '" + model.id() + "' must have " + model.dimension() + " floats, got: "
                + (vector == null ? "null" : vector.length));
      }
      int start = out.position();
      out.put((byte) keys.get(i).kind().ordinal());
      keys.get(i).writeHash(out);
      out.order(ByteOrder.LITTLE_ENDIAN);
      for (float v : vector) {
        out.putFloat(v);
      }
      out.order(ByteOrder.BIG_ENDIAN);
      crc.reset();
      crc.update(out.array(), start, out.position() - start);
      out.putInt((int) crc.getValue());
    }
    out.flip();
    Lock shared = clearing.readLock();
    shared.lock();
    try {
      append(keys, out);
    } finally {
      shared.unlock();
    }
  }

  private void append(List<ContentKey> keys, ByteBuffer out) {
    synchronized (writeLock) {
      requireOpen();
      long recordStart = end;
      try {
        while (out.hasRemaining()) {
          end += channel.write(out, end);
        }
      } catch (IOException e) {
        end = recordStart;
        try {
          channel.truncate(recordStart); // drop whatever part of this write landed
        } catch (IOException ignored) {
          // a torn record fails its CRC and is dropped on the next open anyway
        }
        throw new StorageException("cannot write embedding cache " + file + ": " + e.getMessage(), e);
      }
      for (int i = 0; i < keys.size(); i++) {
        offsets.put(keys.get(i), recordStart + (long) i * recordBytes + 1 + ContentKey.HASH_BYTES);
      }
    }
  }

  /**
   * Removes every entry: the file is cut back to its header and forced to the device, so the
   * vectors (and the hashes of their texts) are no longer in it. Blocks the file system frees are
   * not overwritten by this. Returns how many entries were removed.
   */
  public long clear() {
    Lock exclusive = clearing.writeLock();
    exclusive.lock();
    try {
      synchronized (writeLock) {
        requireOpen();
        long removed = offsets.size();
        try {
          channel.truncate(headerBytes);
          channel.force(true);
        } catch (IOException e) {
          throw new StorageException("cannot clear embedding cache " + file + ": " + e.getMessage(), e);
        }
        offsets.clear();
        end = headerBytes;
        return removed;
      }
    } finally {
      exclusive.unlock();
    }
  }

  public CacheStats stats() {
    return new CacheStats(hits.sum(), misses.sum(), offsets.size());
  }

  /** Forces written records to the storage device. */
  public void flush() {
    requireOpen();
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new StorageException("cannot flush embedding cache " + file + ": " + e.getMessage(), e);
    }
  }

  /** Flushes and closes the file. Idempotent. */
  @Override
  public void close() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        channel.force(false);
        lock.release();
        channel.close();
      } catch (IOException e) {
        throw new StorageException("cannot close embedding cache " + file + ": " + e.getMessage(), e);
      }
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("embedding cache " + file + " is closed");
    }
  }

  /** {@code <id>.emb-v1} when the id is a safe file name, else a hash of it. */
  static String fileName(String modelId) {
    if (SAFE_ID.matcher(modelId).matches()) {
      return modelId + "." + FORMAT_NAME;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(modelId.getBytes(StandardCharsets.UTF_8));
      return "model-" + HexFormat.of().formatHex(digest, 0, 16) + "." + FORMAT_NAME;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  static int recordBytes(int dimension) {
    return 1 + ContentKey.HASH_BYTES + dimension * Float.BYTES + Integer.BYTES;
  }

  private static FileLock lock(FileChannel channel, Path file) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new StorageException("embedding cache " + file + " is already open (in this or another process)");
    }
    return lock;
  }

  /** Reads the header (writing it to an empty file) and indexes valid records; returns the log's end. */
  private static long load(FileChannel channel, Path file, EmbeddingModelInfo model, Map<ContentKey, Long> offsets)
      throws IOException {
    byte[] header = header(model);
    long size = channel.size();
    if (size < header.length || !startsWithValidHeader(channel)) {
      if (size > 0) {
        LOG.log(System.Logger.Level.WARNING, "embedding cache {0} has no valid header; starting it afresh", file);
      }
      channel.truncate(0);
      writeFully(channel, ByteBuffer.wrap(header), 0);
      channel.force(true);
      return header.length;
    }
    ByteBuffer existing = ByteBuffer.allocate(header.length);
    readFully(channel, existing, 0);
    if (!Arrays.equals(existing.array(), header)) {
      throw new StorageException(
          "embedding cache " + file + " holds " + describeHeader(channel) + ", not model '" + model.id()
              + "' with " + model.dimension() + " dimensions; delete the file or use another directory");
    }
    int recordBytes = recordBytes(model.dimension());
    long position = header.length;
    ByteBuffer record = ByteBuffer.allocate(recordBytes);
    CRC32C crc = new CRC32C();
    InputKind[] kinds = InputKind.values();
    while (position + recordBytes <= size) {
      record.clear();
      readFully(channel, record, position);
      record.flip();
      crc.reset();
      crc.update(record.array(), 0, recordBytes - Integer.BYTES);
      int kind = record.get(0);
      if ((int) crc.getValue() != record.getInt(recordBytes - Integer.BYTES) || kind < 0 || kind >= kinds.length) {
        break;
      }
      record.position(1);
      offsets.put(ContentKey.read(kinds[kind], record), position + 1 + ContentKey.HASH_BYTES);
      position += recordBytes;
    }
    if (position < size) {
      LOG.log(
          System.Logger.Level.WARNING,
          "embedding cache {0}: dropping {1} bytes of incomplete or corrupt records after offset {2}",
          file, size - position, position);
      channel.truncate(position);
      channel.force(true);
    }
    return position;
  }

  private static byte[] header(EmbeddingModelInfo model) {
    byte[] id = model.id().getBytes(StandardCharsets.UTF_8);
    if (id.length > Short.MAX_VALUE) {
      throw new IllegalArgumentException("model id too long for the cache header: " + id.length + " bytes");
    }
    ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + 4 + 2 + id.length + 4);
    out.put(MAGIC).putInt(VERSION).putInt(model.dimension()).putShort((short) id.length).put(id);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /** Whether the file starts with a complete header whose CRC matches (of any model). */
  private static boolean startsWithValidHeader(FileChannel channel) throws IOException {
    int fixed = MAGIC.length + 4 + 4 + 2;
    if (channel.size() < fixed + 4) {
      return false;
    }
    ByteBuffer start = ByteBuffer.allocate(fixed);
    readFully(channel, start, 0);
    byte[] magic = new byte[MAGIC.length];
    start.flip().get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      return false;
    }
    int idLength = start.getShort(MAGIC.length + 8);
    if (idLength < 0 || channel.size() < fixed + idLength + 4L) {
      return false;
    }
    ByteBuffer whole = ByteBuffer.allocate(fixed + idLength + 4);
    readFully(channel, whole, 0);
    CRC32C crc = new CRC32C();
    crc.update(whole.array(), 0, fixed + idLength);
    return (int) crc.getValue() == whole.getInt(fixed + idLength);
  }

  private static String describeHeader(FileChannel channel) throws IOException {
    ByteBuffer fixed = ByteBuffer.allocate(MAGIC.length + 10);
    readFully(channel, fixed, 0);
    int version = fixed.getInt(MAGIC.length);
    int dimension = fixed.getInt(MAGIC.length + 4);
    int idLength = fixed.getShort(MAGIC.length + 8);
    ByteBuffer id = ByteBuffer.allocate(idLength);
    readFully(channel, id, MAGIC.length + 10);
    return "format version " + version + " vectors of model '" + new String(id.array(), StandardCharsets.UTF_8)
        + "' with " + dimension + " dimensions";
  }

  private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
    long at = position;
    while (into.hasRemaining()) {
      int read = channel.read(into, at);
      if (read < 0) {
        throw new IOException("unexpected end of file at offset " + at);
      }
      at += read;
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer from, long position) throws IOException {
    long at = position;
    while (from.hasRemaining()) {
      at += channel.write(from, at);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // already failing; the original error is what the caller needs
      }
    }
  }
}
