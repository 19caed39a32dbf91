package dev.quarry.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Serves {@code GET /metrics} in the Prometheus text format, outside the JSON router because the
 * body is not JSON.
 *
 * <p>Decision: open like {@code /healthz}, without a key, as Prometheus scrapers expect; it exposes
 * route templates, statuses and counts, never ids, tenants or bodies. Restrict it at the network if
 * that matters. Any path below {@code /metrics} other than itself is 404; methods other than GET and
 * HEAD are 405.
 */
public final class MetricsEndpoint implements HttpHandler {

  private final PrometheusMetrics metrics;

  public MetricsEndpoint(PrometheusMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!exchange.getRequestURI().getRawPath().equals("/metrics")) {
        plain(exchange, 404, "no route for " + method + " " + exchange.getRequestURI().getRawPath() + "\n");
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        plain(exchange, 405, method + " is not allowed here; allowed: GET, HEAD\n");
      } else {
        byte[] body = metrics.render().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", PrometheusMetrics.CONTENT_TYPE);
        if (method.equals("HEAD")) {
          exchange.sendResponseHeaders(200, -1);
        } else {
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
      }
    }
  }

  private static void plain(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
