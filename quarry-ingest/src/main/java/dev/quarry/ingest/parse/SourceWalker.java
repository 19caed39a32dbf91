package dev.quarry.ingest.parse;

import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.parse.ParseOutcome.Rejected;
import dev.quarry.core.parse.Parser;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Feeds every file under a root (a single file, or a directory tree) to a parser, usually a {@link
 * ParserRegistry}.
 *
 * <p>Decisions: entries are visited depth-first in order of their names (so two runs see the same
 * sequence); hidden entries (name starting with {@code .}) below the root are skipped; symbolic
 * links to directories are not followed (no cycles), links to files are read; anything that is
 * not a regular file is reported and skipped. Each file is named by its path relative to the root
 * with {@code /} separators (a single-file root by its file name); that name becomes the document
 * id of single-document formats. A file or directory that cannot be read, or whose stream fails
 * mid-way, is reported as {@link Rejected} and the walk goes on; only a missing root throws.
 */
public final class SourceWalker {

  private final Parser parser;

  public SourceWalker(Parser parser) {
    this.parser = Objects.requireNonNull(parser, "parser");
  }

  /** A walker over every format of {@link ParserRegistry#standard}, each under {@code limits}. */
  public static SourceWalker standard(IngestLimits limits) {
    return new SourceWalker(ParserRegistry.standard(limits));
  }

  /**
   * Parses the file {@code root}, or every file under the directory {@code root}.
   *
   * @throws NoSuchFileException when {@code root} does not exist
   */
  public void walk(Path root, Consumer<ParseOutcome> sink) throws IOException {
    if (!Files.exists(root)) {
      throw new NoSuchFileException(root.toString(), null, "ingest root does not exist");
    }
    if (Files.isDirectory(root)) {
      walkDirectory(root, root, sink);
    } else {
      visit(root, root.getFileName().toString(), sink);
    }
  }

  private void walkDirectory(Path root, Path directory, Consumer<ParseOutcome> sink) {
    List<Path> entries;
    try (Stream<Path> listing = Files.list(directory)) {
      entries = new ArrayList<>(listing.toList());
    } catch (IOException e) {
      sink.accept(new Rejected(relativeName(root, directory), "cannot read directory: " + describe(e)));
      return;
    }
    entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
    for (Path entry : entries) {
      if (entry.getFileName().toString().startsWith(".")) {
        continue;
      }
      if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
        walkDirectory(root, entry, sink);
      } else if (!Files.isSymbolicLink(entry) || !Files.isDirectory(entry)) {
        visit(entry, relativeName(root, entry), sink);
      }
    }
  }

  private void visit(Path file, String name, Consumer<ParseOutcome> sink) {
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      sink.accept(new Rejected(name, "not a regular file"));
      return;
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      parser.parse(name, in, sink);
    } catch (IOException e) {
      sink.accept(new Rejected(name, "cannot read file: " + describe(e)));
    }
  }

  private static String relativeName(Path root, Path path) {
    Path relative = root.relativize(path);
    List<String> parts = new ArrayList<>();
    relative.forEach(part -> parts.add(part.toString()));
    return parts.isEmpty() ? root.getFileName().toString() : String.join("/", parts);
  }

  private static String describe(IOException e) {
    return switch (e) {
      case AccessDeniedException _ -> "permission denied";
      case NoSuchFileException _ -> "no such file (a dangling link, or deleted while walking)";
      default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    };
  }
}
