package dev.quarry.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {

  /** The head of {@code jcmd PID VM.native_memory summary} of a Java 25 quarry serve. */
  static final String SUMMARY = """
      26399:

      Native Memory Tracking:

      (Omitting categories weighting less than 1KB)

      Total: reserved=1971971KB, committed=407891KB
             malloc: 29815KB #150847, peak=55627KB #142407
             mmap:   reserved=1942156KB, committed=378076KB

      -                 Java Heap (reserved=524288KB, committed=299008KB)
                                  (mmap: reserved=524288KB, committed=299008KB, peak=349696KB)

      -                     Class (reserved=1049243KB, committed=4187KB)
                                  (classes #6685)

      -                    Thread (reserved=29799KB, committed=2635KB)
                                  (threads #29)

      -    Native Memory Tracking (reserved=2698KB, committed=2698KB)
                                  (malloc=46KB tag=Native Memory Tracking #815) (at peak)
      """;

  /** {@code jcmd PID GC.heap_info} of ParallelGC: the heap is [0xe0000000, 0x100000000). */
  static final String HEAP_INFO = """
      12924:
      PSYoungGen      total 163328K, used 24524K [0x00000000f5580000, 0x00000000fff00000, 0x0000000100000000)
       eden space 162304K, 14% used [0x00000000f5580000,0x00000000f6ce31d0,0x00000000ff400000)
      ParOldGen       total 175104K, used 19086K [0x00000000e0000000, 0x00000000eab00000, 0x00000000f5580000)
       object space 175104K, 10% used [0x00000000e0000000,0x00000000e12a3a50,0x00000000eab00000)
      """;

  /** Two mappings inside the heap (100 + 150 MiB anonymous), one outside (a glibc arena, 60 MiB). */
  static final String SMAPS = """
      e0000000-eab00000 rw-p 00000000 00:00 0
      Rss:              102400 kB
      Anonymous:        102400 kB
      eab00000-f5580000 ---p 00000000 00:00 0
      Anonymous:             0 kB
      f5580000-100000000 rw-p 00000000 00:00 0
      Anonymous:        153600 kB
      7f3c00000000-7f3c04000000 rw-p 00000000 00:00 0
      Anonymous:         61440 kB
      7f3c10000000-7f3c10001000 r--p 00000000 08:01 1234                       /usr/lib/libc.so.6
      Anonymous:             4 kB
      """;

  @Test
  void readsTheTotalAndEachCategoryCommittedAndTheResidentHeap() {
    NativeMemory n = NativeMemory.parse(SUMMARY, HEAP_INFO, SMAPS);
    assertEquals(407891, n.totalCommittedKib());
    assertEquals(List.of("Java Heap", "Class", "Thread", "Native Memory Tracking"), List.copyOf(n.committedKib().keySet()));
    assertEquals(299008, n.committedKib("Java Heap"));
    assertEquals(0, n.committedKib("Code"));
    assertEquals(256_000, n.heapResidentKib());
    assertEquals("Java heap resident 250 MiB; JVM committed (NMT) 398 MiB: Java Heap 292, Class 4, Thread 3, "
        + "Native Memory Tracking 3", n.toString());
  }

  @Test
  void anonymousMemoryBeyondTheResidentHeapAndTheJvmsOtherCommittedMemoryIsUnaccounted() {
    // anonymous 600,000 KiB = resident heap 256,000 + JVM other committed (407,891 - 299,008) + 235,117
    ServeProcess.Rss rss = new ServeProcess.Rss(700_000, 800_000, 600_000, 100_000);
    LoadReport.Memory m = new LoadReport.Memory("after the load", rss,
        Optional.of(NativeMemory.parse(SUMMARY, HEAP_INFO, SMAPS)));
    assertEquals(235_117 / 1024.0, m.outsideJvmMib().orElseThrow());
    assertTrue(m.toString().endsWith("anonymous beyond it: at least 230 MiB"), m.toString());
  }

  @Test
  void heapInfoWithoutAnAddressRangeIsAnError() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> NativeMemory.heapResidentKib("12924:\n", SMAPS)).getMessage().startsWith("no heap address range"));
  }

  @Test
  void outputWithoutATotalIsAnError() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> NativeMemory.parse("26399:\nNative memory tracking is not enabled\n", HEAP_INFO, SMAPS)).getMessage()
        .startsWith("no 'Total: reserved=..., committed=...' line in the native memory summary"));
  }
}
