package dev.quarry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.search.RerankCandidate;
import dev.quarry.core.search.RerankOutcome;
import dev.quarry.core.search.Reranker;
import dev.quarry.engine.EngineConfig;
import dev.quarry.engine.Quarry;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./quarry bench rerank-warmup --dataset DIR --data-dir DIR --model ID}: passes every
 * document of a BEIR corpus (title, blank line, text: what a re-ranker reads of a one-chunk
 * document) through the re-ranker for an embedding model of the collection {@code beir-<dataset>}
 * (built by {@code quarry eval}), so their vectors are in the collection's persistent cache for that
 * model before an evaluation re-ranks with it (the chunks of a document cut in several are embedded
 * when first re-ranked). Used to prepare
 * re-ranking experiments without paying the model cost inside timed runs.
 */
final class RerankWarmup {

  private RerankWarmup() {}

  static void run(String[] args) throws Exception {
    Path dataset = null;
    Path dataDir = null;
    String model = "e5-small-v2-q";
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--dataset" -> dataset = Path.of(args[i + 1]);
        case "--data-dir" -> dataDir = Path.of(args[i + 1]);
        case "--model" -> model = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (dataset == null || dataDir == null) {
      throw new IllegalArgumentException("usage: rerank-warmup --dataset DIR --data-dir DIR [--model ID]");
    }
    ObjectMapper json = new ObjectMapper();
    List<RerankCandidate> all = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(dataset.resolve("corpus.jsonl"))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = json.readTree(line);
        String text = n.path("text").asText("");
        String title = n.path("title").asText("").strip();
        if (text.isBlank()) {
          text = title;
        }
        String id = n.get("_id").asText();
        all.add(new RerankCandidate(id + "#0", id, RerankCandidate.textOf(title, text)));
      }
    }
    String collection = "beir-" + dev.quarry.eval.dataset.BeirDataset.open(dataset).name().toLowerCase(java.util.Locale.ROOT);
    try (Quarry quarry = Quarry.open(EngineConfig.defaults(dataDir))) {
      // the collection's re-ranker: its vectors go to the collection's cache for that model
      // (created empty when absent, so the cache can be warmed while the index is built elsewhere)
      Reranker reranker = quarry.openOrCreate(collection, java.util.Optional.empty()).rerankers().find(model).orElseThrow();
      long start = System.nanoTime();
      for (int from = 0; from < all.size(); from += 256) {
        RerankOutcome o = reranker.score("warm-up", all.subList(from, Math.min(all.size(), from + 256)));
        if (o instanceof RerankOutcome.Unavailable u) {
          throw new IllegalStateException(u.reason());
        }
        System.err.printf("%d/%d passages, %.0f s%n", Math.min(all.size(), from + 256), all.size(),
            (System.nanoTime() - start) / 1e9);
      }
    }
  }
}
