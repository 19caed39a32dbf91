package dev.quarry.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The requests the clients of a {@link ClosedLoop} send. */
final class Workload {

  static final Duration SEARCH_TIMEOUT = Duration.ofSeconds(30);
  static final Duration INGEST_TIMEOUT = Duration.ofMinutes(5);
  static final int K = 10;

  private Workload() {}

  /**
   * Hybrid searches ({@code k} = {@value #K}) over {@code queries}: client {@code c} of {@code
   * clients} starts at the {@code c/clients} point of the list and walks on from there, so the
   * clients ask different questions. Each answer must be 200; its body is read whole.
   */
  static ClosedLoop.Request search(HttpClient http, URI base, String collection, String key, List<String> queries,
      int clients) throws IOException {
    String path = "/v1/collections/" + ApiClient.segment(collection) + "/search";
    List<byte[]> bodies = new ArrayList<>(queries.size());
    for (String q : queries) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("query", q);
      body.put("mode", "hybrid");
      body.put("k", K);
      bodies.add(ApiClient.JSON.writeValueAsBytes(body));
    }
    String auth = "Bearer " + key;
    KeepAliveClient[] connections = new KeepAliveClient[clients];
    for (int c = 0; c < clients; c++) {
      connections[c] = new KeepAliveClient(base, SEARCH_TIMEOUT); // one per client: only its thread uses it
    }
    return (client, n) -> {
      byte[] body = bodies.get((int) ((client * (long) bodies.size() / clients + n) % bodies.size()));
      KeepAliveClient.Answer answer = connections[client].post(path, auth, body);
      if (answer.status() != 200) {
        throw new ClosedLoop.Failed("status " + answer.status(), new String(answer.body(), StandardCharsets.UTF_8));
      }
      return 1;
    };
  }

  /**
   * Batches of {@code batch} corpus documents uploaded to {@code collection} with {@code
   * ?refresh=wait_for} and the client's own timeout (the answer comes when the job is done), each document under a new id and
   * with a marker in front of its text that is new to this run, so its chunks are embedded and not
   * found in the server's embedding cache. Returns the documents indexed; a job that is not done,
   * or done with failures, is an error.
   */
  static ClosedLoop.Request ingest(HttpClient http, URI base, String collection, String key, List<String> corpusLines,
      int batch, String runTag) throws IOException {
    URI uri = base.resolve("/v1/collections/" + ApiClient.segment(collection) + "/documents?refresh=wait_for&timeout="
        + INGEST_TIMEOUT.toMinutes() + "m");
    List<ObjectNode> docs = new ArrayList<>(corpusLines.size());
    for (String line : corpusLines) {
      docs.add((ObjectNode) ApiClient.JSON.readTree(line));
    }
    String auth = "Bearer " + key;
    return (client, n) -> {
      StringBuilder body = new StringBuilder();
      int start = (int) ((client * 7919L + n * batch) % docs.size()); // clients apart, never in step
      for (int i = 0; i < batch; i++) {
        ObjectNode d = docs.get((start + i) % docs.size()).deepCopy();
        String tag = runTag + "-" + client + "-" + n + "-" + i;
        d.put("_id", "copy-" + tag);
        d.put("text", "[copy " + tag + "] " + d.path("text").asText());
        body.append(ApiClient.JSON.writeValueAsString(d)).append('\n');
      }
      HttpRequest r = HttpRequest.newBuilder(uri).timeout(INGEST_TIMEOUT).header("Authorization", auth)
          .header("Content-Type", "application/x-ndjson")
          .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
      HttpResponse<String> answer = http.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (answer.statusCode() != 200) {
        throw new ClosedLoop.Failed("status " + answer.statusCode(), answer.body());
      }
      JsonNode job = ApiClient.JSON.readTree(answer.body());
      if (!job.path("state").asText().equals("done")) {
        throw new ClosedLoop.Failed("job " + job.path("state").asText(), answer.body());
      }
      return job.path("counts").path("indexed").asLong();
    };
  }
}
