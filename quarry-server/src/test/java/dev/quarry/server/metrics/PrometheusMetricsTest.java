package dev.quarry.server.metrics;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {

  @Test
  void bucketsAreCumulativeAndCountAndSumMatchTheObservations() {
    PrometheusMetrics m = new PrometheusMetrics();
    m.requestCompleted("/v1/x/{id}", "GET", 200, Duration.ofNanos(500_000));
    m.requestCompleted("/v1/x/{id}", "GET", 200, Duration.ofMillis(20));
    m.requestCompleted("/v1/x/{id}", "GET", 200, Duration.ofSeconds(30));
    String text = m.render();
    String s = "route=\"/v1/x/{id}\",method=\"GET\",status=\"200\"";
    assertTrue(text.contains("quarry_http_request_duration_seconds_bucket{" + s + ",le=\"0.001\"} 1\n"), text);
    assertTrue(text.contains("quarry_http_request_duration_seconds_bucket{" + s + ",le=\"0.01\"} 1\n"), text);
    assertTrue(text.contains("quarry_http_request_duration_seconds_bucket{" + s + ",le=\"0.025\"} 2\n"), text);
    assertTrue(text.contains("quarry_http_request_duration_seconds_bucket{" + s + ",le=\"10\"} 2\n"), text);
    assertTrue(text.contains("quarry_http_request_duration_seconds_bucket{" + s + ",le=\"+Inf\"} 3\n"), text);
    assertTrue(text.contains("quarry_http_request_duration_seconds_count{" + s + "} 3\n"), text);
    assertTrue(text.contains("quarry_http_request_duration_seconds_sum{" + s + "} 30.0205\n"), text);
  }

  @Test
  void labelValuesAreEscapedAndErrorsCounted() {
    PrometheusMetrics m = new PrometheusMetrics();
    m.errorRaised("a\"b");
    m.errorRaised("a\"b");
    m.documentsIndexed(2);
    String text = m.render();
    assertTrue(text.contains("quarry_errors_total{code=\"a\\\"b\"} 2\n"), text);
    assertTrue(text.contains("quarry_documents_indexed_total 2\n"), text);
    assertThrows(IllegalArgumentException.class, () -> m.documentsIndexed(-1));
  }
}
