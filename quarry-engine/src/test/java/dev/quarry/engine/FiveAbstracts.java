package dev.quarry.engine;

import dev.quarry.engine.ingest.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The small corpus of the engine's search tests: five one-sentence abstracts on three topics
 * (health, energy, food), as BEIR-style JSONL lines, indexed into a collection named {@code docs}.
 */
final class FiveAbstracts {

  /** The abstracts d1-d5, without metadata. */
  static final List<String> LINES = List.of(
      "{\"_id\": \"d1\", \"title\": \"Vitamin D\", \"text\": \"Vitamin D supplementation reduces the risk of bone fractures in older adults.\"}",
      "{\"_id\": \"d2\", \"title\": \"Solar power\", \"text\": \"Photovoltaic panels convert sunlight into electricity.\"}",
      "{\"_id\": \"d3\", \"title\": \"Wind power\", \"text\": \"Offshore wind turbines generate electricity from sea winds.\"}",
      "{\"_id\": \"d4\", \"title\": \"Calcium\", \"text\": \"Calcium intake and bone density in adults.\"}",
      "{\"_id\": \"d5\", \"title\": \"Sourdough\", \"text\": \"Feed the starter with flour and water every day.\"}");

  private FiveAbstracts() {}

  /** {@link #LINES} and then {@code more}, written to {@code docs} and ingested into {@code quarry}'s {@code docs}. */
  static Collection ingest(Quarry quarry, Path docs, String... more) throws IOException {
    List<String> lines = new ArrayList<>(LINES);
    lines.addAll(List.of(more));
    Files.writeString(docs.resolve("corpus.jsonl"), String.join("\n", lines));
    Collection collection = quarry.openOrCreate("docs", Optional.empty());
    collection.ingest(quarry.files(docs), ProgressListener.NONE);
    return collection;
  }
}
