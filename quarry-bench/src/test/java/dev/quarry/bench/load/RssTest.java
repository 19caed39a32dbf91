package dev.quarry.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RssTest {

  @Test
  void readsCurrentAndPeakResidentMemoryFromProcStatus() {
    ServeProcess.Rss r = ServeProcess.Rss.parse("""
        Name:\tjava
        VmPeak:\t 9000000 kB
        VmHWM:\t  812344 kB
        VmRSS:\t  700416 kB
        RssAnon:\t  600000 kB
        RssFile:\t  100000 kB
        RssShmem:\t     416 kB
        Threads:\t42
        """);
    assertEquals(700416, r.currentKib());
    assertEquals(812344, r.peakKib());
    assertEquals(600000, r.anonKib());
    assertEquals(100000, r.fileKib());
    assertEquals(684.0, r.currentMib());
    assertEquals("VmRSS 684 MiB (anonymous 586, file 98), peak VmHWM 793 MiB", r.toString());
  }

  @Test
  void readsThisProcess() throws Exception {
    Path status = Path.of("/proc/self/status");
    if (Files.isReadable(status)) {
      ServeProcess.Rss r = ServeProcess.Rss.parse(Files.readString(status));
      assertTrue(r.currentKib() > 0 && r.peakKib() >= r.currentKib(), r.toString());
    }
  }

  @Test
  void aMissingFieldIsAnError() {
    assertEquals("no VmRSS line in /proc status (not Linux?)",
        assertThrows(IllegalArgumentException.class, () -> ServeProcess.Rss.parse("VmHWM:\t 1 kB\n")).getMessage());
  }
}
