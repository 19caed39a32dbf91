package dev.quarry.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

  @Test
  void defaultsAreTheIssuesSetUp() {
    LoadOptions o = LoadOptions.parse();
    assertEquals(Duration.ofSeconds(60), o.duration());
    assertEquals(8, o.clients());
    assertEquals(6, o.mixedSearchClients());
    assertEquals(2, o.mixedIngestClients());
    assertEquals(Path.of("../shared/datasets/scifact"), o.dataset());
    assertEquals(0, o.largeDocumentMb());
  }

  @Test
  void parsesEveryOption() {
    LoadOptions o = LoadOptions.parse("--duration", "5s", "--warmup", "500ms", "--clients", "4", "--mixed-search", "3",
        "--mixed-ingest", "0", "--ingest-batch", "10", "--data-dir", "/tmp/d", "--dataset", "/tmp/ds", "--out", "r.json",
        "--server-log", "s.log", "--server-java-opts", " -Xmx512m  -XX:+AlwaysPreTouch ", "--setup-timeout", "2m", "--large-document", "7");
    assertEquals(Duration.ofSeconds(5), o.duration());
    assertEquals(Duration.ofMillis(500), o.warmup());
    assertEquals(4, o.clients());
    assertEquals(3, o.mixedSearchClients());
    assertEquals(0, o.mixedIngestClients());
    assertEquals(10, o.ingestBatch());
    assertEquals(Path.of("/tmp/d"), o.dataDir());
    assertEquals(Path.of("/tmp/ds"), o.dataset());
    assertEquals(Path.of("r.json"), o.out());
    assertEquals(Path.of("s.log"), o.serverLog());
    assertEquals(List.of("-Xmx512m", "-XX:+AlwaysPreTouch"), o.serverJavaOptions());
    assertEquals(Duration.ofMinutes(2), o.setupTimeout());
    assertEquals(7, o.largeDocumentMb());
  }

  @Test
  void durationsPrintInSecondsOrMilliseconds() {
    for (String d : List.of("60s", "500ms", "90s", "1500ms")) {
      assertEquals(d, LoadOptions.format(LoadOptions.duration("--duration", d)));
    }
    assertEquals("120s", LoadOptions.format(LoadOptions.duration("--duration", "2m")));
    assertEquals("3600s", LoadOptions.format(LoadOptions.duration("--duration", "1h")));
  }

  @Test
  void badValuesSayWhichOptionAndWhatIsExpected() {
    assertEquals("--duration is a whole number and a unit (ms, s, m, h) such as 60s, got: '60'",
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--duration", "60")).getMessage());
    assertEquals("--duration must be positive, got: PT0S",
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--duration", "0s")).getMessage());
    assertEquals("--clients must be in 1..256, got: 0",
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--clients", "0")).getMessage());
    assertEquals("--large-document must be in 0..24, got: 25",
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--large-document", "25")).getMessage());
    assertEquals("--clients is a whole number, got: 'eight'",
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--clients", "eight")).getMessage());
    assertEquals("--clients needs a value",
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--clients")).getMessage());
    assertEquals("unknown option '--client'",
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--client", "8")).getMessage());
  }
}
