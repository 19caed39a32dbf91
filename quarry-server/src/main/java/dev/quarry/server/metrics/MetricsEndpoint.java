package dev.quarry.server.metrics;

import dev.quarry.server.http.Exchange;
import dev.quarry.server.http.HttpEdge;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Serves {@code GET /metrics} in the Prometheus text format, beside the JSON router because the
 * body is not JSON.
 *
 * <p>Decision: open like {@code /healthz}, without a key, as Prometheus scrapers expect; it exposes
 * route templates, statuses and counts, never ids, tenants or bodies. Restrict it at the network if
 * that matters. Other methods, and paths below {@code /metrics}, are the router's (405 and 404, in
 * JSON like every error).
 */
public final class MetricsEndpoint implements HttpEdge.Endpoint {

  private final PrometheusMetrics metrics;

  public MetricsEndpoint(PrometheusMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public void serve(Exchange exchange) throws IOException {
    byte[] body = metrics.render().getBytes(StandardCharsets.UTF_8);
    exchange.setHeader("Content-Type", PrometheusMetrics.CONTENT_TYPE);
    if (exchange.method().equals("HEAD")) {
      exchange.setHeader("Content-Length", Integer.toString(body.length));
      exchange.send(200, -1);
    } else {
      try (OutputStream out = exchange.send(200, body.length)) {
        out.write(body);
      }
    }
  }
}
