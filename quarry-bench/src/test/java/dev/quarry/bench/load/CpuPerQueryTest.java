package dev.quarry.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quarry.core.observe.CacheName;
import dev.quarry.core.observe.Stage;
import dev.quarry.server.metrics.PrometheusMetrics;
import org.junit.jupiter.api.Test;

class CpuPerQueryTest {

  @Test
  void stageCpuPerQueryAndTheRemainderOfTheProcessCpu() {
    PrometheusMetrics m = new PrometheusMetrics();
    m.record(Stage.EMBED_QUERY, 1, 5_000_000); // counted before the phase: not in the difference
    PrometheusScrape before = PrometheusScrape.parse(m.render());
    for (int i = 0; i < 4; i++) {
      m.record(Stage.EMBED_QUERY, 1, 6_000_000);
      m.record(Stage.RETRIEVE_LEXICAL, 1, 1_000_000);
      m.record(Stage.RETRIEVE_VECTOR, 1, 2_000_000);
      m.record(Stage.FUSE, 1, 100_000);
      m.record(Stage.LOAD, 1, -1);
    }
    m.lookups(CacheName.QUERY_VECTOR, 0, 4);
    PrometheusScrape after = PrometheusScrape.parse(m.render());

    CpuPerQuery c = CpuPerQuery.between(before, after, 4);

    assertEquals(6.0, c.ms(Stage.EMBED_QUERY), 1e-9);
    assertEquals(1.0, c.ms(Stage.RETRIEVE_LEXICAL), 1e-9);
    assertEquals(2.0, c.ms(Stage.RETRIEVE_VECTOR), 1e-9);
    assertEquals(0.1, c.ms(Stage.FUSE), 1e-9);
    assertEquals(0.0, c.ms(Stage.LOAD), 1e-9);
    assertEquals(9.1, c.stagesMs(), 1e-9);
    assertEquals(4, c.unmeasuredSearchRuns());
    assertEquals(0, c.cacheHits());
    // the process counter is this JVM's own CPU: the remainder is whatever the stages do not explain
    assertEquals(c.processMs() - 9.1, c.otherMs(), 1e-9);
  }

  @Test
  void cacheHitsDuringThePhaseAreCounted() {
    PrometheusMetrics m = new PrometheusMetrics();
    PrometheusScrape before = PrometheusScrape.parse(m.render());
    m.lookups(CacheName.SEARCH_RESULT, 2, 1);
    m.lookups(CacheName.QUERY_VECTOR, 1, 1);
    assertEquals(3, CpuPerQuery.between(before, PrometheusScrape.parse(m.render()), 3).cacheHits());
  }

  @Test
  void refusesAPhaseWithoutQueries() {
    PrometheusScrape s = PrometheusScrape.parse(new PrometheusMetrics().render());
    assertThrows(IllegalArgumentException.class, () -> CpuPerQuery.between(s, s, 0));
  }
}
