package dev.quarry.engine.ingest;

import dev.quarry.core.parse.ParseOutcome;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/** Where documents come from: a file tree, an upload. Emits outcomes in a deterministic order. */
public interface DocumentSource {
  /** Total input bytes, for progress; 0 when unknown. */
  long totalBytes();

  /** Emits every outcome to {@code sink}, and the running count of bytes read to {@code bytesRead}. */
  void emit(Consumer<ParseOutcome> sink, LongConsumer bytesRead);
}
