package dev.quarry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.search.Grouping;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.engine.ingest.IngestReport;
import dev.quarry.engine.ingest.IngestSettings;
import dev.quarry.engine.ingest.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two fresh builds of the same corpus on the same machine rank every query identically, chunk for
 * chunk and score for score (docs/evaluation.md, "Reproducibility"): parsing, the concurrent
 * embed and index stages, the commits every few documents (several segments, so several HNSW
 * graphs) and the int8 graph search must not depend on thread timing. Real bge model, real Lucene
 * index on disk, no embedding cache (each build embeds afresh).
 */
class ReproducibleBuildTest {

  private static final String[] WORDS = ("protein cell tumour vaccine immune gene receptor insulin dose trial "
      + "placebo mortality infection virus bacteria antibiotic enzyme membrane neuron cortex memory sleep "
      + "diet fibre vitamin calcium bone fracture heart artery pressure kidney liver lung smoking exercise "
      + "obesity glucose hormone mouse patient cohort risk survival relapse therapy mutation signal pathway")
      .split(" ");

  private static final List<String> QUERIES = List.of(
      "vaccine trial mortality", "immune receptor signal", "vitamin calcium bone fracture",
      "smoking lung risk", "insulin glucose hormone", "tumour mutation therapy survival",
      "sleep memory neuron", "heart artery pressure", "antibiotic bacteria infection", "diet fibre obesity");

  @Test
  void twoFreshBuildsRankEveryQueryIdentically(@TempDir Path corpus, @TempDir Path a, @TempDir Path b)
      throws IOException {
    writeCorpus(corpus.resolve("corpus.jsonl"), 120);
    List<String> first = build(corpus, a);
    List<String> second = build(corpus, b);
    assertEquals(QUERIES.size() * 3, first.size());
    for (int i = 0; i < first.size(); i++) {
      assertEquals(first.get(i), second.get(i), "query " + i + " ranked differently in the second build");
    }
  }

  /** Every query's ranking in every mode, as "chunk=score" lines, after a fresh build in {@code dataDir}. */
  private static List<String> build(Path corpus, Path dataDir) {
    var base = EngineConfig.defaults(dataDir);
    // small batches and a commit every 25 documents: the pipeline's stages overlap and the index
    // has several segments, each with its own graph and int8 quantiles
    var config = new EngineConfig(dataDir, base.defaults(), new IngestSettings(8, 25), base.limits(),
        base.embedder(), false);
    try (Quarry q = Quarry.open(config)) {
      Collection c = q.openOrCreate("repro", Optional.empty());
      IngestReport report = c.ingest(q.files(corpus), ProgressListener.NONE);
      assertEquals(120, report.indexed());
      assertTrue(c.segments() > 1, "expected several segments, got " + c.segments());
      List<String> rankings = new ArrayList<>();
      for (SearchMode mode : SearchMode.values()) {
        for (String query : QUERIES) {
          var request = new SearchRequest(query, mode, 20, 0, Optional.empty(), SearchRequest.DEFAULT_FUSION,
              Grouping.CHUNK, false, SearchRequest.DEFAULT_CANDIDATES);
          StringBuilder line = new StringBuilder(mode + " " + query + ":");
          c.search(request).hits().forEach(h -> line.append(' ').append(h.chunk().chunkId()).append('=').append(h.score()));
          rankings.add(line.toString());
        }
      }
      return rankings;
    }
  }

  /** {@code n} abstracts of 20-60 words drawn from a fixed vocabulary with a fixed seed. */
  private static void writeCorpus(Path file, int n) throws IOException {
    Random random = new Random(7);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder text = new StringBuilder();
      int words = 20 + random.nextInt(41);
      for (int w = 0; w < words; w++) {
        text.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
      }
      lines.add("{\"_id\": \"d" + i + "\", \"title\": \"Study " + i + "\", \"text\": \"" + text + ".\"}");
    }
    Files.write(file, lines);
  }
}
