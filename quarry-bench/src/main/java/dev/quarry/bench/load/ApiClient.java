package dev.quarry.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The few calls of Quarry's HTTP API the benchmark makes outside its timed loops, each checked
 * against the statuses it may answer; any other status is an error quoting the server's body.
 */
final class ApiClient {

  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI base;
  private final Optional<String> key;

  ApiClient(HttpClient http, URI base, Optional<String> key) {
    this.http = http;
    this.base = base;
    this.key = key;
  }

  /** HTTP/1.1 (the server speaks nothing else), loopback, bounded connect. */
  static HttpClient newHttpClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  ApiClient withKey(String apiKey) {
    return new ApiClient(http, base, Optional.of(apiKey));
  }

  URI base() {
    return base;
  }

  Optional<String> key() {
    return key;
  }

  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Sends a request and returns the body as JSON if the status is one of {@code expected}. */
  Answer call(String method, String path, String contentType, String body, Duration timeout, int... expected)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
    key.ifPresent(k -> b.header("Authorization", "Bearer " + k));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (Arrays.stream(expected).noneMatch(s -> s == r.statusCode())) {
      throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + " (expected "
          + Arrays.toString(expected) + "): " + abbreviate(r.body()));
    }
    JsonNode json = r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
    return new Answer(r.statusCode(), json);
  }

  Answer json(String method, String path, Object body, int... expected) throws IOException, InterruptedException {
    return call(method, path, "application/json", body == null ? null : JSON.writeValueAsString(body),
        Duration.ofSeconds(60), expected);
  }

  /** The server's {@code /metrics}, read. */
  PrometheusScrape metrics() throws IOException, InterruptedException {
    HttpRequest r = HttpRequest.newBuilder(base.resolve("/metrics")).timeout(Duration.ofSeconds(30)).GET().build();
    HttpResponse<String> answer = http.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("GET /metrics answered " + answer.statusCode() + ": " + abbreviate(answer.body()));
    }
    return PrometheusScrape.parse(answer.body());
  }

  static String abbreviate(String s) {
    return s.length() <= 400 ? s : s.substring(0, 400) + "...";
  }

  /** A status the caller expected, and the body. */
  record Answer(int status, JsonNode body) {}
}
