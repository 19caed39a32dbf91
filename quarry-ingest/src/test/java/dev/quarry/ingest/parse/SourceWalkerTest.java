package dev.quarry.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.parse.ParseOutcome.Parsed;
import dev.quarry.core.parse.ParseOutcome.Rejected;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceWalkerTest {

  private final SourceWalker walker = SourceWalker.standard(IngestLimits.DEFAULT);

  @Test
  void walksATreeInNameOrderSkippingHiddenEntriesAndNamingFilesRelativeToTheRoot(@TempDir Path root)
      throws IOException {
    write(root.resolve("b.txt"), "bee");
    write(root.resolve("a/z.md"), "# Zed");
    write(root.resolve("a/c/deep.html"), "<p>deep</p>");
    write(root.resolve("a/b.txt"), "a-bee");
    write(root.resolve(".git/config.txt"), "hidden dir");
    write(root.resolve("a/.hidden.txt"), "hidden file");
    write(root.resolve("c.bin"), "binary");
    write(root.resolve("empty.txt"), "");

    assertEquals(
        List.of(
            "parsed a/b.txt",
            "parsed a/c/deep.html",
            "parsed a/z.md",
            "parsed b.txt",
            "rejected c.bin: unsupported file type '.bin' (supported: .htm, .html, .jsonl, .markdown, .md, .pdf, .txt, each optionally compressed as .gz, and text files without extension)",
            "rejected empty.txt: empty document"),
        walk(root));
  }

  @Test
  void aSingleFileRootIsNamedByItsFileName(@TempDir Path root) throws IOException {
    Path file = root.resolve("sub/notes.txt");
    write(file, "hello");
    assertEquals(List.of("parsed notes.txt"), walk(file));
  }

  @Test
  void reportsAnUnreadableFileAndGoesOn(@TempDir Path root) throws IOException {
    Files.createSymbolicLink(root.resolve("a-dangling.txt"), root.resolve("missing.txt"));
    write(root.resolve("b.txt"), "fine");
    assertEquals(
        List.of(
            "rejected a-dangling.txt: cannot read file: no such file (a dangling link, or deleted while walking)",
            "parsed b.txt"),
        walk(root));
  }

  @Test
  void doesNotFollowLinksToDirectories(@TempDir Path root) throws IOException {
    write(root.resolve("docs/a.txt"), "a");
    Files.createSymbolicLink(root.resolve("docs/loop"), root.resolve("docs"));
    assertEquals(List.of("parsed docs/a.txt"), walk(root));
  }

  @Test
  void aMissingRootThrows(@TempDir Path root) {
    var e = assertThrows(NoSuchFileException.class, () -> walker.walk(root.resolve("nope"), o -> {}));
    assertEquals(root.resolve("nope") + ": ingest root does not exist", e.getMessage());
  }

  private List<String> walk(Path root) throws IOException {
    List<String> seen = new ArrayList<>();
    walker.walk(root, outcome -> seen.add(describe(outcome)));
    return seen;
  }

  private static String describe(ParseOutcome outcome) {
    return switch (outcome) {
      case Parsed(var doc) -> "parsed " + doc.id();
      case Rejected(var location, var reason) -> "rejected " + location + ": " + reason;
    };
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
