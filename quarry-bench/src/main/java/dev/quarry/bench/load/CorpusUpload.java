package dev.quarry.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Puts a BEIR corpus into a collection through the HTTP batch API: JSONL chunks of {@value
 * #CHUNK_LINES} lines, each a durable job, then polls the jobs until they are done. Skipped when
 * the collection already holds every document indexed (a rerun on the same data directory).
 */
final class CorpusUpload {

  static final int CHUNK_LINES = 1000;

  private CorpusUpload() {}

  /** The corpus's non-blank lines, as they are (BEIR corpus lines are valid batch lines). */
  static List<String> lines(Path corpus) throws IOException {
    List<String> out = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(corpus);
        InputStream in = corpus.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          out.add(line);
        }
      }
    }
    return out;
  }

  /** Documents indexed in the collection, or -1 when it does not exist. */
  static long indexed(ApiClient api, String collection) throws IOException, InterruptedException {
    ApiClient.Answer a = api.json("GET", "/v1/collections/" + ApiClient.segment(collection), null, 200, 404);
    return a.status() == 404 ? -1 : a.body().path("ingestion").path("indexed").asLong();
  }

  /**
   * Makes sure {@code collection} holds the corpus; returns the seconds spent uploading and waiting
   * (0 when it already did).
   */
  static double ensure(ApiClient api, String collection, List<String> lines, Duration timeout)
      throws IOException, InterruptedException {
    long have = indexed(api, collection);
    if (have == lines.size()) {
      System.out.printf(Locale.ROOT, "index: collection %s already holds the %,d documents%n", collection, have);
      return 0;
    }
    String path = "/v1/collections/" + ApiClient.segment(collection);
    api.json("PUT", path, java.util.Map.of(), 200, 201);
    long t0 = System.nanoTime();
    long deadline = t0 + timeout.toNanos();
    List<String> jobs = new ArrayList<>();
    for (int from = 0; from < lines.size(); from += CHUNK_LINES) {
      String body = String.join("\n", lines.subList(from, Math.min(lines.size(), from + CHUNK_LINES))) + "\n";
      JsonNode job = api.call("POST", path + "/documents", "application/x-ndjson", body, Duration.ofMinutes(2), 202).body();
      jobs.add(job.path("id").asText());
    }
    System.out.printf(Locale.ROOT, "index: uploaded %,d documents to %s in %d jobs (%s); waiting for them%n",
        lines.size(), collection, jobs.size(), have < 0 ? "new collection" : String.format(Locale.ROOT, "%,d were indexed", have));
    long[] lastPrint = {System.nanoTime()};
    for (String job : jobs) {
      awaitJob(api, job, deadline, timeout, () -> {
        if (System.nanoTime() - lastPrint[0] > 30e9) {
          System.out.printf(Locale.ROOT, "index: %,d documents indexed so far%n", indexed(api, collection));
          lastPrint[0] = System.nanoTime();
        }
      });
    }
    long now = indexed(api, collection);
    if (now != lines.size()) {
      throw new IllegalStateException("collection " + collection + " holds " + now + " indexed documents after the upload, "
          + "expected " + lines.size() + " (are there duplicate ids in the corpus, or other documents in the collection?)");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "index: %,d documents indexed in %.1f s%n", now, seconds);
    return seconds;
  }

  /** Something to do between two polls of a job. */
  interface Poll {
    void run() throws IOException, InterruptedException;
  }

  /**
   * Polls {@code job} every half second until it is done; done with failures, or not done by
   * {@code deadline} ({@link System#nanoTime()}), is an error.
   */
  static void awaitJob(ApiClient api, String job, long deadline, Duration timeout, Poll betweenPolls)
      throws IOException, InterruptedException {
    while (true) {
      JsonNode j = api.json("GET", "/v1/jobs/" + ApiClient.segment(job), null, 200).body();
      String state = j.path("state").asText();
      if (state.equals("done")) {
        return;
      }
      if (state.equals("done_with_failures")) {
        throw new IllegalStateException("job " + job + " finished with failures: " + j.path("failures"));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("job " + job + " was not done within " + LoadOptions.format(timeout) + ": " + j);
      }
      betweenPolls.run();
      Thread.sleep(500);
    }
  }
}
