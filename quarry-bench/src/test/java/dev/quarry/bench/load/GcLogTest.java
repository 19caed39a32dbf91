package dev.quarry.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GcLogTest {

  private static final String LOG = """
      [0.012s] Using Parallel
      [3.501s] GC(0) Pause Young (Allocation Failure) 64M->12M(245M) 8.123ms
      [7.250s] GC(1) Pause Young (Allocation Failure) 76M->20M(245M) 4.002ms
      [9.900s] GC(2) Pause Full (Diagnostic Command) 30M->18M(245M) 40.500ms
      [14.000s] GC(3) Pause Young (Allocation Failure) 82M->1536K(245M) 3.000ms
      [25.000s] GC(4) Pause Young (Allocation Failure) 2G->1G(3G) 3.000ms
      """;

  @Test
  void readsTheHeapAfterEachCollectionInMib() {
    GcLog gc = GcLog.parse(LOG);
    assertEquals(5, gc.collections().size());
    assertEquals(new GcLog.Collection(3.501, "Pause Young", 12), gc.collections().get(0));
    assertEquals("Pause Full", gc.collections().get(2).kind());
    assertEquals(1.5, gc.collections().get(3).afterMib(), 1e-9);
    assertEquals(1024, gc.collections().get(4).afterMib(), 1e-9);
  }

  @Test
  void theFloorOfEachWindowIsItsLowestHeapAfterACollection() {
    double[] floors = GcLog.parse(LOG).floorByWindow(0, 30, 10);
    assertEquals(3, floors.length);
    assertEquals(12, floors[0], 1e-9);
    assertEquals(1.5, floors[1], 1e-9);
    assertEquals(1024, floors[2], 1e-9);
    assertTrue(Double.isNaN(GcLog.parse(LOG).floorByWindow(30, 40, 10)[0]), "a window without a collection");
    double[] withRemainder = GcLog.parse(LOG).floorByWindow(15, 26.3, 10);
    assertEquals(1, withRemainder.length, "the 1.3 s remainder joins the last window, not a window of its own");
    assertEquals(1024, withRemainder[0], 1e-9);
  }

  @Test
  void jcmdHeapInfoUsedIsSummedOverTheGenerations() {
    String info = """
        12345:
         PSYoungGen      total 76288K, used 2048K [0x00000000f5580000, 0x00000000fa980000, 0x0000000100000000)
          eden space 65536K, 3% used [0x00000000f5580000,0x00000000f5780000,0x00000000f9580000)
         ParOldGen       total 175104K, used 40960K [0x00000000e0000000, 0x00000000eab00000, 0x00000000f5580000)
          object space 175104K, 23% used [0x00000000e0000000,0x00000000e2800000,0x00000000eab00000)
         Metaspace       used 50000K, committed 51000K, reserved 1114112K
        """;
    assertEquals(42.0, ChatBenchmark.heapUsedMib(info), 1e-9);
  }
}
