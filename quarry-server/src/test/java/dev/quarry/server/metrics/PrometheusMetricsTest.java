package dev.quarry.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.StorageException;
import dev.quarry.core.observe.CacheName;
import dev.quarry.core.observe.Stage;
import dev.quarry.core.observe.StageObserver;
import dev.quarry.store.document.DocumentState;
import dev.quarry.store.document.QueueCounts;
import dev.quarry.store.document.StateCounts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

  @Test
  void everyStageAndCacheSeriesExistsFromTheStartAtZero() {
    String text = new PrometheusMetrics().render();
    for (Stage stage : Stage.values()) {
      String s = "stage=\"" + stage.wireName() + "\"";
      assertTrue(text.contains("quarry_stage_duration_seconds_count{" + s + "} 0\n"), text);
      assertTrue(text.contains("quarry_stage_cpu_seconds_total{" + s + "} 0\n"), text);
      assertTrue(text.contains("quarry_stage_cpu_unmeasured_total{" + s + "} 0\n"), text);
    }
    for (CacheName cache : CacheName.values()) {
      for (String result : new String[] {"hit", "miss"}) {
        assertTrue(text.contains("quarry_cache_requests_total{cache=\"" + cache.wireName() + "\",result=\""
            + result + "\"} 0\n"), text);
      }
    }
    assertTrue(text.contains("# TYPE process_cpu_seconds_total counter\n"), text);
  }

  @Test
  void jvmAndProcessSeriesAreExposedOnceEach() {
    System.gc(); // at least one collection to count
    String text = new PrometheusMetrics().render();
    for (String series : List.of("jvm_memory_used_bytes{area=\"heap\"}", "jvm_memory_max_bytes{area=\"heap\"}",
        "jvm_memory_pool_used_bytes{", "jvm_gc_collection_seconds_count{gc=", "jvm_gc_collection_seconds_sum{gc=",
        "jvm_threads_current ", "jvm_threads_daemon ", "jvm_threads_state{", "jvm_buffer_pool_used_bytes{",
        "jvm_classes_currently_loaded ", "process_open_fds ", "process_max_fds ", "process_resident_memory_bytes ",
        "process_start_time_seconds ", "process_cpu_seconds_total ")) {
      assertTrue(text.contains("\n" + series), series + " in:\n" + text);
    }
    for (String type : List.of("process_cpu_seconds_total", "jvm_memory_used_bytes", "jvm_gc_collection_seconds")) {
      assertEquals(1, text.split("# TYPE " + type + " ", -1).length - 1, type + " is typed once");
    }
    double heap = value(text, "jvm_memory_used_bytes{area=\"heap\"}");
    assertTrue(heap > 0 && heap <= Runtime.getRuntime().totalMemory(), "heap used " + heap);
    assertTrue(value(text, "jvm_threads_current") >= 1);
    assertTrue(value(text, "process_open_fds") >= 3, "stdin, stdout, stderr at least");
  }

  /** The value of the one sample named exactly {@code series} (name and labels). */
  private static double value(String text, String series) {
    return text.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst().orElseThrow(() -> new AssertionError("no sample " + series));
  }

  @Test
  void stageWallTimeFillsTheHistogramAndCpuTheCounterUnlessUnknown() {
    PrometheusMetrics m = new PrometheusMetrics();
    m.record(Stage.RETRIEVE_LEXICAL, 80_000, 70_000);
    m.record(Stage.RETRIEVE_LEXICAL, 3_000_000, 2_500_000);
    m.record(Stage.RETRIEVE_LEXICAL, 400_000, StageObserver.CPU_UNKNOWN);
    String text = m.render();
    String s = "stage=\"retrieve_lexical\"";
    assertTrue(text.contains("quarry_stage_duration_seconds_bucket{" + s + ",le=\"1.0E-4\"} 1\n"), text);
    assertTrue(text.contains("quarry_stage_duration_seconds_bucket{" + s + ",le=\"5.0E-4\"} 2\n"), text);
    assertTrue(text.contains("quarry_stage_duration_seconds_bucket{" + s + ",le=\"0.005\"} 3\n"), text);
    assertTrue(text.contains("quarry_stage_duration_seconds_count{" + s + "} 3\n"), text);
    assertTrue(text.contains("quarry_stage_duration_seconds_sum{" + s + "} 0.00348\n"), text);
    assertTrue(text.contains("quarry_stage_cpu_seconds_total{" + s + "} 0.00257\n"), text);
    assertTrue(text.contains("quarry_stage_cpu_unmeasured_total{" + s + "} 1\n"), text);
  }

  @Test
  void ingestionGaugesAreReadAtEachScrapeAndLeftOutWhenTheStoreFails() {
    java.util.concurrent.atomic.AtomicReference<QueueCounts> queue = new java.util.concurrent.atomic.AtomicReference<>(
        new QueueCounts(new StateCounts(Map.of(DocumentState.RECEIVED, 4L, DocumentState.INDEXED, 9L)), 3));
    PrometheusMetrics m = new PrometheusMetrics(() -> {
      QueueCounts q = queue.get();
      if (q == null) {
        throw new StorageException("counting the ingestion queue failed: PostgreSQL is unavailable");
      }
      return q;
    });
    String text = m.render();
    assertTrue(text.contains("# TYPE quarry_ingest_documents gauge\n"
        + "quarry_ingest_documents{state=\"received\"} 4\n"
        + "quarry_ingest_documents{state=\"parsed\"} 0\n"
        + "quarry_ingest_documents{state=\"chunked\"} 0\n"
        + "quarry_ingest_documents{state=\"embedded\"} 0\n"
        + "quarry_ingest_documents{state=\"indexed\"} 9\n"
        + "quarry_ingest_documents{state=\"failed\"} 0\n"), text);
    assertTrue(text.contains("# TYPE quarry_ingest_queue_due gauge\nquarry_ingest_queue_due 3\n"), text);

    queue.set(new QueueCounts(new StateCounts(Map.of(DocumentState.INDEXED, 13L)), 0));
    assertTrue(m.render().contains("quarry_ingest_documents{state=\"indexed\"} 13\n"), "read again at the next scrape");

    queue.set(null);
    String failed = m.render();
    assertFalse(failed.contains("quarry_ingest_"), failed);
    assertTrue(failed.contains("quarry_documents_indexed_total 0\n"), "the rest is still served");
    assertFalse(new PrometheusMetrics().render().contains("quarry_ingest_"), "no gauges without a source");
  }

  @Test
  void cacheHitsAndMissesAreCountedApart() {
    PrometheusMetrics m = new PrometheusMetrics();
    m.lookups(CacheName.SEARCH_RESULT, 1, 0);
    m.lookups(CacheName.SEARCH_RESULT, 0, 1);
    m.lookups(CacheName.SEARCH_RESULT, 1, 0);
    m.lookups(CacheName.QUERY_VECTOR, 2, 3);
    String text = m.render();
    assertTrue(text.contains("quarry_cache_requests_total{cache=\"search_result\",result=\"hit\"} 2\n"), text);
    assertTrue(text.contains("quarry_cache_requests_total{cache=\"search_result\",result=\"miss\"} 1\n"), text);
    assertTrue(text.contains("quarry_cache_requests_total{cache=\"query_vector\",result=\"hit\"} 2\n"), text);
    assertTrue(text.contains("quarry_cache_requests_total{cache=\"query_vector\",result=\"miss\"} 3\n"), text);
    assertThrows(IllegalArgumentException.class, () -> m.lookups(CacheName.QUERY_VECTOR, -1, 0));
  }
}
