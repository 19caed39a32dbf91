package dev.quarry.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.observe.CacheName;
import dev.quarry.core.observe.Stage;
import dev.quarry.server.metrics.MetricNames;
import dev.quarry.server.metrics.PrometheusMetrics;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusScrapeTest {

  @Test
  void readsWhatTheServersRegistryRenders() {
    PrometheusMetrics m = new PrometheusMetrics();
    m.record(Stage.EMBED_QUERY, 7_000_000, 6_000_000);
    m.record(Stage.EMBED_QUERY, 9_000_000, 6_500_000);
    m.record(Stage.RETRIEVE_LEXICAL, 2_000_000, 1_250_000);
    m.record(Stage.LOAD, 1_000_000, -1); // unmeasured CPU
    m.lookups(CacheName.QUERY_VECTOR, 3, 4);
    m.requestCompleted("/v1/collections/{collection}/search", "POST", 200, Duration.ofMillis(12));

    PrometheusScrape s = PrometheusScrape.parse(m.render());

    assertEquals(0.0125, s.value(MetricNames.STAGE_CPU, Map.of("stage", "embed_query")), 1e-12);
    assertEquals(0.00125, s.value(MetricNames.STAGE_CPU, Map.of("stage", "retrieve_lexical")), 1e-12);
    assertEquals(0, s.value(MetricNames.STAGE_CPU, Map.of("stage", "fuse")));
    assertEquals(1, s.value(MetricNames.STAGE_CPU_UNMEASURED, Map.of("stage", "load")));
    assertEquals(2, s.value(MetricNames.STAGE_DURATION + "_count", Map.of("stage", "embed_query")));
    // labels are found whatever order they are asked in
    assertEquals(3, s.value(MetricNames.CACHE_REQUESTS, Map.of("result", "hit", "cache", "query_vector")));
    assertEquals(4, s.value(MetricNames.CACHE_REQUESTS, Map.of("cache", "query_vector", "result", "miss")));
    assertEquals(1, s.value(MetricNames.REQUEST_DURATION + "_count",
        Map.of("route", "/v1/collections/{collection}/search", "method", "POST", "status", "200")));
    assertTrue(s.value(MetricNames.PROCESS_CPU) > 0);
  }

  @Test
  void readsEscapedLabelValuesSpecialValuesAndTimestamps() {
    PrometheusScrape s = PrometheusScrape.parse("""
        # HELP x a help line with {braces} and "quotes"
        # TYPE x counter
        x{path="a\\"b\\\\c",le="+Inf"} 12 1700000000000
        y +Inf
        z{a="1"} -3.5e-2

        """);
    assertEquals(12, s.value("x", Map.of("path", "a\"b\\c", "le", "+Inf")));
    assertEquals(Double.POSITIVE_INFINITY, s.value("y"));
    assertEquals(-0.035, s.value("z", Map.of("a", "1")));
    assertEquals(3, s.size());
    assertTrue(s.find("z").isEmpty(), "a labelled series is not the unlabelled one");
  }

  @Test
  void increaseIsTheDifferenceOfTwoReadings() {
    PrometheusScrape before = PrometheusScrape.parse("c{stage=\"fuse\"} 1.5\n");
    PrometheusScrape after = PrometheusScrape.parse("c{stage=\"fuse\"} 4\n");
    assertEquals(2.5, after.increase(before, "c", Map.of("stage", "fuse")));
  }

  @Test
  void aMissingSeriesOrABrokenLineIsAnErrorThatSaysWhich() {
    PrometheusScrape s = PrometheusScrape.parse("a 1\n");
    IllegalStateException missing = assertThrows(IllegalStateException.class, () -> s.value("b", Map.of("stage", "x")));
    assertEquals("the server's /metrics has no series b{stage=\"x\"}", missing.getMessage());
    IllegalArgumentException broken = assertThrows(IllegalArgumentException.class,
        () -> PrometheusScrape.parse("a 1\nb{stage=\"x} 2\n"));
    assertTrue(broken.getMessage().startsWith("metrics line 2 is not a sample"), broken.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PrometheusScrape.parse("lonely\n"));
    assertThrows(IllegalArgumentException.class, () -> PrometheusScrape.parse("a one\n"));
  }
}
