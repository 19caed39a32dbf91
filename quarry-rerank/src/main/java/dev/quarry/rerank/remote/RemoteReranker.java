package dev.quarry.rerank.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.core.observe.RequestDeadline;
import dev.quarry.core.search.RerankCandidate;
import dev.quarry.core.search.RerankOutcome;
import dev.quarry.core.search.Reranker;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Calls a remote re-rank API ({@link RerankApi}) for each search. Every way a call can fail (time
 * out, refuse the connection, answer with an error status or with a body that does not score
 * every candidate) is an {@link RerankOutcome.Unavailable} naming what happened: search keeps the
 * fused order and marks the response degraded instead of failing. A call waits for its configured
 * timeout, or less when the request it serves must be done sooner ({@link RequestDeadline}).
 */
public final class RemoteReranker implements Reranker {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RemoteRerankerConfig config;
  private final HttpClient client;

  public RemoteReranker(RemoteRerankerConfig config, HttpClient client) {
    this.config = Objects.requireNonNull(config, "config");
    this.client = Objects.requireNonNull(client, "client");
  }

  /** A re-ranker with its own HTTP client (connect timeout: the call's timeout). */
  public static RemoteReranker create(RemoteRerankerConfig config) {
    return new RemoteReranker(config, HttpClient.newBuilder().connectTimeout(config.timeout()).build());
  }

  @Override
  public RerankOutcome score(String query, List<RerankCandidate> candidates) {
    if (candidates.isEmpty()) {
      return new RerankOutcome.Scored(List.of());
    }
    Duration timeout = RequestDeadline.earliest(config.timeout(), Instant.now());
    if (timeout.isZero()) {
      return unavailable("was not called: the request's deadline had passed");
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(config.url())
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body(query, candidates)));
    config.apiKey().ifPresent(key -> request.header("Authorization", "Bearer " + key));
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      return unavailable("timed out after " + timeout.toMillis() + " ms"
          + (timeout.equals(config.timeout()) ? "" : " (what was left of the request's deadline)"));
    } catch (IOException e) {
      return unavailable("call failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unavailable("interrupted");
    }
    if (response.statusCode() / 100 != 2) {
      return unavailable("answered HTTP " + response.statusCode());
    }
    try {
      return new RerankOutcome.Scored(parse(response.body(), candidates.size()));
    } catch (IOException | IllegalArgumentException e) {
      return unavailable("answered an unreadable body: " + e.getMessage());
    }
  }

  private RerankOutcome unavailable(String what) {
    return new RerankOutcome.Unavailable(config.api().name().toLowerCase(java.util.Locale.ROOT) + " re-ranker at "
        + config.url() + " " + what);
  }

  private String body(String query, List<RerankCandidate> candidates) {
    ObjectNode body = JSON.createObjectNode();
    config.model().ifPresent(m -> body.put("model", m));
    body.put("query", query);
    ArrayNode texts = body.putArray(config.api() == RerankApi.TEI ? "texts" : "documents");
    candidates.forEach(c -> texts.add(c.text()));
    if (config.api() != RerankApi.TEI) {
      body.put("top_n", candidates.size());
    }
    return body.toString();
  }

  /** One score per candidate from the answer; every candidate must be scored exactly once. */
  List<Double> parse(String body, int n) throws IOException {
    JsonNode root = JSON.readTree(body);
    JsonNode results = config.api() == RerankApi.TEI ? root : root.path("results");
    String field = config.api() == RerankApi.TEI ? "score" : "relevance_score";
    if (!results.isArray()) {
      throw new IllegalArgumentException(config.api() == RerankApi.TEI ? "expected a JSON array" : "no 'results' array");
    }
    Double[] scores = new Double[n];
    for (JsonNode r : results) {
      JsonNode index = r.path("index");
      JsonNode score = r.path(field);
      if (!index.canConvertToInt() || !score.isNumber()) {
        throw new IllegalArgumentException("a result lacks an integer 'index' or a numeric '" + field + "'");
      }
      int i = index.asInt();
      if (i < 0 || i >= n || scores[i] != null) {
        throw new IllegalArgumentException("result index " + i + " is out of range or repeated (" + n + " candidates)");
      }
      scores[i] = score.asDouble();
    }
    List<Double> out = new ArrayList<>(Arrays.asList(scores));
    int missing = out.indexOf(null);
    if (missing >= 0) {
      throw new IllegalArgumentException("candidate " + missing + " was not scored");
    }
    return out;
  }
}
