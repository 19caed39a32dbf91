package dev.quarry.eval.dataset;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.error.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A BEIR dataset directory: {@code corpus.jsonl} (or {@code corpus.jsonl.gz}), {@code
 * queries.jsonl} and {@code qrels/<split>.tsv}. The record holds paths only; {@link #open(Path)}
 * checks they exist, and each load method reads its file when called.
 *
 * <p>The corpus is exposed as a path (ingestion belongs to the pipeline) plus a cheap id reader.
 * When both {@code corpus.jsonl} and {@code corpus.jsonl.gz} exist, the uncompressed one is used.
 */
public record BeirDataset(Path dir, Path corpus, Path queries, Path qrelsDir) {

  public BeirDataset {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(corpus, "corpus");
    Objects.requireNonNull(queries, "queries");
    Objects.requireNonNull(qrelsDir, "qrelsDir");
  }

  /** Locates the files of the dataset in {@code dir}; throws {@link NotFoundException} naming what is missing. */
  public static BeirDataset open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new NotFoundException("BEIR dataset directory not found: " + dir);
    }
    Path corpus =
        Stream.of("corpus.jsonl", "corpus.jsonl.gz")
            .map(dir::resolve)
            .filter(Files::isRegularFile)
            .findFirst()
            .orElseThrow(() -> new NotFoundException("BEIR dataset " + dir + " has no corpus.jsonl or corpus.jsonl.gz"));
    Path queries = dir.resolve("queries.jsonl");
    if (!Files.isRegularFile(queries)) {
      throw new NotFoundException("BEIR dataset " + dir + " has no queries.jsonl");
    }
    Path qrels = dir.resolve("qrels");
    if (!Files.isDirectory(qrels)) {
      throw new NotFoundException("BEIR dataset " + dir + " has no qrels directory");
    }
    return new BeirDataset(dir, corpus, queries, qrels);
  }

  /** The directory's name, e.g. {@code scifact}. */
  public String name() {
    Path name = dir.toAbsolutePath().normalize().getFileName();
    return name == null ? dir.toString() : name.toString();
  }

  /** The splits with a qrels file, sorted by name (e.g. {@code [dev, test, train]}). */
  public List<String> splits() {
    try (Stream<Path> files = Files.list(qrelsDir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".tsv") && n.length() > 4)
          .map(n -> n.substring(0, n.length() - 4))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new StorageException("cannot list " + qrelsDir + ": " + e.getMessage(), e);
    }
  }

  /** The qrels file of {@code split}; throws {@link NotFoundException} listing the splits that exist. */
  public Path qrelsFile(String split) {
    if (split == null || !split.matches("[A-Za-z0-9._-]+") || split.startsWith(".")) {
      throw new InvalidInputException("split must be a plain name such as 'test', got: '" + split + "'");
    }
    Path file = qrelsDir.resolve(split + ".tsv");
    if (!Files.isRegularFile(file)) {
      throw new NotFoundException(
          "BEIR dataset " + dir + " has no split '" + split + "' (no " + file + "); splits: " + splits());
    }
    return file;
  }

  public Qrels qrels(String split) {
    return QrelsFile.read(qrelsFile(split));
  }

  /** Every query of {@code queries.jsonl}, in file order. */
  public List<Query> allQueries() {
    return QueriesFile.read(queries);
  }

  /**
   * The split: the queries with judgments in {@code qrels/<split>.tsv}, in the order of {@code
   * queries.jsonl}. A judged query missing from {@code queries.jsonl} is an error.
   */
  public EvalSplit split(String split) {
    Path file = qrelsFile(split);
    Qrels qrels = QrelsFile.read(file);
    List<Query> judged = allQueries().stream().filter(q -> qrels.contains(q.id())).toList();
    if (judged.size() != qrels.queryIds().size()) {
      Set<String> present = judged.stream().map(Query::id).collect(Collectors.toSet());
      List<String> missing = qrels.queryIds().stream().filter(id -> !present.contains(id)).toList();
      throw new InvalidInputException(
          file + " judges " + missing.size() + " queries that " + queries + " does not contain, e.g. '"
              + missing.getFirst() + "'");
    }
    return new EvalSplit(split, judged, qrels);
  }

  /** The ids of the corpus documents, in file order. */
  public List<String> corpusIds() {
    return CorpusIds.read(corpus);
  }
}
