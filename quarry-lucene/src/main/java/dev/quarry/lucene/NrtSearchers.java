package dev.quarry.lucene;

import dev.quarry.core.error.StorageException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;

/**
 * Near-real-time searchers over an {@link IndexWriter}: each read leases the current searcher for
 * its whole duration, so it sees one consistent point-in-time view while writers go on.
 *
 * <p>The <em>generation</em> of a searcher is its reader's {@link DirectoryReader#getVersion()}:
 * Lucene bumps it on every change to the index (and on merges), it never goes down, and it
 * survives a restart because commits record it. Caches may key on it.
 */
final class NrtSearchers implements Closeable {

  /** Work done with one leased searcher. */
  @FunctionalInterface
  interface Read<T> {
    T apply(IndexSearcher searcher, long generation) throws IOException;
  }

  private final Path dir;
  private final SearcherManager manager;

  NrtSearchers(Path dir, IndexWriter writer) throws IOException {
    this.dir = dir;
    this.manager = new SearcherManager(writer, true, false, FACTORY);
  }

  /**
   * Searchers over the commits in {@code directory}, for an index another process writes: a
   * refresh moves to its latest commit.
   */
  NrtSearchers(Path dir, Directory directory) throws IOException {
    this.dir = dir;
    this.manager = new SearcherManager(directory, FACTORY);
  }

  private static final SearcherFactory FACTORY = new SearcherFactory() {
    @Override
    public IndexSearcher newSearcher(IndexReader reader, IndexReader previousReader) {
      IndexSearcher searcher = new IndexSearcher(reader);
      searcher.setSimilarity(LexicalAnalysis.similarity());
      return searcher;
    }
  };

  <T> T read(Read<T> task) {
    IndexSearcher searcher;
    try {
      searcher = manager.acquire();
    } catch (AlreadyClosedException e) {
      throw new IllegalStateException("index at " + dir + " is closed", e);
    } catch (IOException e) {
      throw new StorageException("leasing a searcher of " + dir + " failed: " + e.getMessage(), e);
    }
    try {
      return task.apply(searcher, generation(searcher));
    } catch (IOException e) {
      throw new StorageException("reading the index at " + dir + " failed: " + e.getMessage(), e);
    } finally {
      try {
        manager.release(searcher);
      } catch (IOException e) {
        throw new StorageException("releasing a searcher of " + dir + " failed: " + e.getMessage(), e);
      }
    }
  }

  /** Opens a searcher over every write completed so far and returns its generation. */
  long refresh() {
    try {
      manager.maybeRefreshBlocking();
    } catch (AlreadyClosedException e) {
      throw new IllegalStateException("index at " + dir + " is closed", e);
    } catch (IOException e) {
      throw new StorageException("refreshing the index at " + dir + " failed: " + e.getMessage(), e);
    }
    return read((searcher, generation) -> generation);
  }

  private static long generation(IndexSearcher searcher) {
    return ((DirectoryReader) searcher.getIndexReader()).getVersion();
  }

  @Override
  public void close() throws IOException {
    manager.close();
  }
}
