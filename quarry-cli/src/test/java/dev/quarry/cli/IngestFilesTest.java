package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quarry ingest} on a folder of real-world files: text files without extension are read,
 * other extensions can be added, and every file-document carries metadata that filters select by.
 */
class IngestFilesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  @TempDir Path docs;

  private record Ran(int exit, String out, String err) {}

  private Ran cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      List<String> all = new ArrayList<>(List.of(args));
      all.addAll(List.of("--data-dir", dataDir.toString()));
      int exit = Main.run(new PrintWriter(System.out, true), new PrintWriter(err, true), all.toArray(String[]::new));
      return new Ran(exit, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(stdout);
    }
  }

  @BeforeEach
  void files() throws Exception {
    Files.createDirectories(docs.resolve("debian"));
    Files.writeString(docs.resolve("debian/README.Debian"), "Packaging notes\nThe herons package is built with dh.");
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write("herons (1.2) unstable; urgency=low\n  * New upstream release.\n".getBytes(StandardCharsets.UTF_8));
    }
    Files.write(docs.resolve("debian/changelog.Debian.gz"), gz.toByteArray());
    Files.writeString(docs.resolve("guide.md"), "# Heron guide\n\nHerons wade in tidal marshes.");
    Files.writeString(docs.resolve("config.yaml"), "herons: 3\nmarsh: tidal\n");
    Files.write(docs.resolve("blob"), new byte[] {0x7f, 'E', 'L', 'F', 0, 0, 1});
    Files.setLastModifiedTime(docs.resolve("guide.md"), FileTime.from(Instant.parse("2021-03-04T05:06:07Z")));
  }

  @Test
  void filesWithoutExtensionAreReadAsTextAndMoreTypesCanBeAdded() throws Exception {
    Ran plain = cli("ingest", docs.toString(), "-c", "plain", "--json");
    assertEquals(0, plain.exit(), plain.err());
    JsonNode report = JSON.readTree(plain.out());
    assertEquals(3, report.get("indexed").asInt(), plain.out()); // README.Debian, changelog.Debian.gz, guide.md
    TreeSet<String> rejected = new TreeSet<>();
    report.get("rejected").forEach(r -> rejected.add(r.get("location").asText() + ": " + r.get("reason").asText()));
    assertEquals(2, rejected.size(), rejected.toString());
    assertTrue(rejected.first().startsWith("blob: unsupported file type: 'blob' has no extension and is not UTF-8 text"),
        rejected.toString());
    assertTrue(rejected.last().startsWith("config.yaml: unsupported file type '.yaml'"), rejected.toString());
    Ran summary = cli("ingest", docs.toString(), "-c", "plain");
    assertTrue(summary.out().contains("--type yaml=text"), summary.out());

    Ran withYaml = cli("ingest", docs.toString(), "-c", "typed", "--type", "yaml=text", "--json");
    assertEquals(0, withYaml.exit(), withYaml.err());
    assertEquals(4, JSON.readTree(withYaml.out()).get("indexed").asInt(), withYaml.out());

    Ran badType = cli("ingest", docs.toString(), "-c", "typed", "--type", "yaml=toml");
    assertEquals(2, badType.exit());
    assertTrue(badType.err().contains("unknown format 'toml' for .yaml; formats: html, jsonl, markdown, pdf, text"),
        badType.err());
  }

  @Test
  void ingestedFilesCarryTheirMetadataAndFiltersSelectByIt() throws Exception {
    assertEquals(0, cli("ingest", docs.toString(), "-c", "docs", "--type", "yaml=text").exit());

    JsonNode md = hits("--filter", "file_type=markdown");
    assertEquals(1, md.size(), md.toString());
    JsonNode meta = md.get(0).get("metadata");
    assertEquals("guide.md", meta.get("path").asText());
    assertEquals("markdown", meta.get("file_type").asText());
    assertEquals(Files.size(docs.resolve("guide.md")), meta.get("size_bytes").asLong());
    assertEquals("2021-03-04T05:06:07Z", meta.get("modified").asText());
    assertEquals("Heron guide", meta.get("title").asText());

    assertEquals(List.of("config.yaml", "debian/README.Debian", "debian/changelog.Debian.gz"),
        ids(hits("--filter", "file_type=text")));
    assertEquals(List.of("guide.md"), ids(hits("--filter", "modified<2022-01-01")));
    assertEquals(List.of("debian/README.Debian"), ids(hits("--filter", "path=debian/README.Debian")));
    assertEquals(List.of("debian/README.Debian"), ids(hits("--filter", "title=Packaging notes")));
  }

  private JsonNode hits(String... filter) throws Exception {
    List<String> args = new ArrayList<>(List.of("search", "herons", "-c", "docs", "--mode", "lexical", "--json"));
    args.addAll(List.of(filter));
    Ran r = cli(args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    return JSON.readTree(r.out()).get("hits");
  }

  private static List<String> ids(JsonNode hits) {
    List<String> ids = new ArrayList<>();
    hits.forEach(h -> ids.add(h.get("id").asText()));
    return ids.stream().sorted().toList();
  }
}
