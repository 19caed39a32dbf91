package dev.quarry.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where the server's anonymous memory is: what its JVM committed, by category, from Native Memory
 * Tracking ({@code jcmd PID VM.native_memory summary}; the server must run with {@code
 * -XX:NativeMemoryTracking=summary}, which {@code --server-java-opts} adds), and how much of the
 * Java heap is resident (the heap's address range from {@code jcmd PID GC.heap_info}, its resident
 * anonymous pages from {@code /proc/PID/smaps}). The rest of the anonymous memory, beyond the
 * resident heap and the JVM's other committed memory, is memory the JVM does not account for: ONNX
 * Runtime's session and arena, the tokenizer's native library, SQLite, and what glibc's allocator
 * keeps after a free. The JVM's other committed memory is counted as resident, so that rest is a
 * lower bound.
 *
 * @param totalCommittedKib the {@code Total:} line's committed KiB
 * @param committedKib committed KiB by NMT category ({@code Java Heap}, {@code Class}, {@code
 *     Thread}, ...), in the order jcmd prints them
 * @param heapResidentKib anonymous resident KiB inside the Java heap's reserved range
 */
record NativeMemory(long totalCommittedKib, Map<String, Long> committedKib, long heapResidentKib) {

  private static final Pattern TOTAL = Pattern.compile("^Total: reserved=\\d+KB, committed=(\\d+)KB", Pattern.MULTILINE);
  private static final Pattern CATEGORY =
      Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)", Pattern.MULTILINE);
  /** A generation's line of {@code GC.heap_info}: its addresses, [start, committed end, reserved end) or [start, end). */
  private static final Pattern GENERATION =
      Pattern.compile("^\\S.*\\[(0x[0-9a-f]+), (?:0x[0-9a-f]+, )?(0x[0-9a-f]+)\\)", Pattern.MULTILINE);
  private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) ");

  NativeMemory {
    committedKib = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(committedKib));
  }

  /**
   * Parses the outputs of {@code jcmd PID VM.native_memory summary} and {@code jcmd PID
   * GC.heap_info}, and the text of {@code /proc/PID/smaps}.
   */
  static NativeMemory parse(String jcmdOutput, String heapInfo, String smaps) {
    Matcher total = TOTAL.matcher(jcmdOutput);
    if (!total.find()) {
      throw new IllegalArgumentException("no 'Total: reserved=..., committed=...' line in the native memory summary: "
          + ApiClient.abbreviate(jcmdOutput));
    }
    Map<String, Long> categories = new LinkedHashMap<>();
    Matcher m = CATEGORY.matcher(jcmdOutput);
    while (m.find()) {
      categories.put(m.group(1).trim(), Long.parseLong(m.group(2)));
    }
    return new NativeMemory(Long.parseLong(total.group(1)), categories, heapResidentKib(heapInfo, smaps));
  }

  /** Anonymous KiB of the mappings inside the heap's range (from its generations' lines). */
  static long heapResidentKib(String heapInfo, String smaps) {
    long low = Long.MAX_VALUE;
    long high = 0;
    Matcher g = GENERATION.matcher(heapInfo);
    while (g.find()) {
      low = Math.min(low, Long.decode(g.group(1)));
      high = Math.max(high, Long.decode(g.group(2)));
    }
    if (high == 0) {
      throw new IllegalArgumentException("no heap address range in GC.heap_info: " + ApiClient.abbreviate(heapInfo));
    }
    long kib = 0;
    boolean inside = false;
    for (String line : smaps.split("\n")) {
      Matcher m = MAPPING.matcher(line);
      if (m.find()) {
        inside = Long.parseUnsignedLong(m.group(1), 16) >= low && Long.parseUnsignedLong(m.group(2), 16) <= high;
      } else if (inside && line.startsWith("Anonymous:")) {
        kib += Long.parseLong(line.substring("Anonymous:".length()).replace("kB", "").trim());
      }
    }
    return kib;
  }

  /**
   * The summary of process {@code pid}, when its JVM tracks native memory; empty when it does not
   * (jcmd then says so) or jcmd fails.
   */
  static Optional<NativeMemory> of(long pid) {
    Optional<String> java = ProcessHandle.current().info().command();
    if (java.isEmpty()) {
      return Optional.empty();
    }
    Path jcmd = Path.of(java.get()).resolveSibling("jcmd");
    try {
      Optional<String> nmt = jcmd(jcmd, pid, "VM.native_memory", "summary");
      if (nmt.isEmpty() || !TOTAL.matcher(nmt.get()).find()) {
        return Optional.empty(); // NMT off ("Native memory tracking is not enabled") or no jcmd
      }
      Optional<String> heap = jcmd(jcmd, pid, "GC.heap_info");
      if (heap.isEmpty()) {
        return Optional.empty();
      }
      String smaps = Files.readString(Path.of("/proc", Long.toString(pid), "smaps"));
      return Optional.of(parse(nmt.get(), heap.get(), smaps));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static Optional<String> jcmd(Path jcmd, long pid, String... command) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
    args.addAll(List.of(command));
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      return Optional.empty();
    }
    return Optional.of(out);
  }

  /** Anonymous KiB beyond the resident heap and the JVM's other committed memory (a lower bound). */
  long beyondJvmKib(ServeProcess.Rss rss) {
    return rss.anonKib() - heapResidentKib - (totalCommittedKib - committedKib("Java Heap"));
  }

  long committedKib(String category) {
    return committedKib.getOrDefault(category, 0L);
  }

  /**
   * "Java heap resident 250 MiB; JVM committed (NMT) 612 MiB: Java Heap 512, Class 30, ..." for
   * the categories of at least 1 MiB.
   */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "Java heap resident %.0f MiB; JVM committed (NMT) %.0f MiB: ", heapResidentKib / 1024.0,
        totalCommittedKib / 1024.0)
        + committedKib.entrySet().stream()
            .filter(e -> e.getValue() >= 1024)
            .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue() / 1024.0))
            .collect(Collectors.joining(", "));
  }
}
