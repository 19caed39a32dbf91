package dev.quarry.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One large document ({@code --large-document MB}): the corpus's texts, each behind a marker new to
 * the run (so no chunk is found in the embedding cache), joined until the text has the asked size,
 * uploaded as a one-line batch job to a collection of its own and waited for. The collection is
 * dropped afterwards; what the server's memory kept of it is what the benchmark reports. A
 * document of 7 MB is the case of issue 7 (item 9), where it left the process at 1.4 GB resident.
 */
final class LargeDocument {

  private LargeDocument() {}

  /** The text of about {@code megabytes} MB (UTF-16 chars) made from the corpus lines' texts. */
  static String text(List<String> corpusLines, int megabytes, String runTag) throws IOException {
    long target = megabytes * 1_000_000L;
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < target; i++) {
      JsonNode doc = ApiClient.JSON.readTree(corpusLines.get(i % corpusLines.size()));
      text.append("[large ").append(runTag).append('-').append(i).append("] ")
          .append(doc.path("title").asText()).append("\n\n").append(doc.path("text").asText()).append("\n\n");
    }
    return text.toString();
  }

  /** Uploads the document into {@code collection} (created, then dropped) and returns the seconds until it was indexed. */
  static double ingest(ApiClient api, String collection, String text, Duration timeout)
      throws IOException, InterruptedException {
    String path = "/v1/collections/" + ApiClient.segment(collection);
    api.json("DELETE", path, null, 200, 404); // left over by an interrupted run
    api.json("PUT", path, Map.of(), 201);
    long t0 = System.nanoTime();
    String line = ApiClient.JSON.writeValueAsString(Map.of("_id", "large", "text", text)) + "\n";
    String job = api.call("POST", path + "/documents", "application/x-ndjson", line, Duration.ofMinutes(2), 202)
        .body().path("id").asText();
    CorpusUpload.awaitJob(api, job, t0 + timeout.toNanos(), timeout, () -> {});
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "large document: %.1f MB of text indexed in %.1f s%n", text.length() / 1e6, seconds);
    api.json("DELETE", path, null, 200);
    return seconds;
  }
}
