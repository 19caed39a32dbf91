package dev.quarry.bench.load;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code quarry serve} as its own process, on loopback, with this JVM's classpath: the JVM options
 * of the {@code ./quarry} launcher plus any given, a YAML configuration file, a fresh admin key
 * and no other {@code QUARRY_*} variable (so the caller's environment cannot switch a cache back
 * on). Its output goes to a log file; the port is read from the start-up log line {@code ... serving on
 * http://HOST:PORT}. {@link #close()} stops it with SIGTERM, then SIGKILL if it has not exited
 * after 30 s; a shutdown hook does the same if this JVM exits first.
 */
final class ServeProcess implements AutoCloseable {

  /**
   * The options {@code ./quarry serve} runs with: the launcher passes them in {@code
   * QUARRY_SERVE_JVM_OPTS} (one place for them); without the launcher, its defaults.
   */
  static final List<String> LAUNCHER_JVM_OPTIONS = java.util.Arrays.stream(
          System.getenv().getOrDefault("QUARRY_SERVE_JVM_OPTS",
              "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xms256m -Xmx512m")
              .trim().split("\\s+"))
      .filter(o -> !o.isEmpty()).toList();

  private static final Pattern SERVING = Pattern.compile("serving on http://([^:\\s]+):(\\d+)");

  private final Process process;
  private final URI base;
  private final Path log;
  private final Thread hook;

  private ServeProcess(Process process, URI base, Path log, Thread hook) {
    this.process = process;
    this.base = base;
    this.log = log;
    this.hook = hook;
  }

  static ServeProcess start(Path dataDir, Path config, String adminKey, List<String> extraJvmOptions, Path log,
      Duration timeout) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command()
        .orElseThrow(() -> new IllegalStateException("cannot tell which java binary runs this benchmark"));
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(LAUNCHER_JVM_OPTIONS);
    command.addAll(extraJvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.quarry.cli.Main", "serve",
        "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir.toString(), "--config", config.toString()));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("QUARRY_"));
    env.put("QUARRY_ADMIN_KEY", adminKey);
    Files.createDirectories(log.toAbsolutePath().getParent());
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    Process p = pb.start();
    Thread hook = new Thread(() -> stop(p), "quarry-bench-stop-server");
    Runtime.getRuntime().addShutdownHook(hook);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = SERVING.matcher(Files.readString(log, StandardCharsets.UTF_8));
      if (m.find()) {
        return new ServeProcess(p, URI.create("http://" + m.group(1) + ":" + m.group(2)), log, hook);
      }
      if (!p.isAlive()) {
        Runtime.getRuntime().removeShutdownHook(hook);
        throw new IllegalStateException("quarry serve exited with code " + p.exitValue() + " before serving; its output ("
            + log + "):\n" + tail(log, 20));
      }
      Thread.sleep(100);
    }
    stop(p);
    Runtime.getRuntime().removeShutdownHook(hook);
    throw new IllegalStateException("quarry serve did not report its port within " + LoadOptions.format(timeout) + "; its output (" + log
        + "):\n" + tail(log, 20));
  }

  URI base() {
    return base;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** The server's resident memory now and at its peak, from {@code /proc/<pid>/status}. */
  Rss rss() throws IOException {
    return Rss.parse(Files.readString(Path.of("/proc", Long.toString(process.pid()), "status")));
  }

  @Override
  public void close() {
    stop(process);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // this JVM is shutting down: the hook has run or will find the process gone
    }
  }

  private static void stop(Process p) {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /**
   * Resident set size of a process, in KiB: now ({@code VmRSS}), at its peak ({@code VmHWM}), and
   * now split into anonymous memory ({@code RssAnon}: Java heap, native allocations such as the
   * ONNX sessions, thread stacks) and file pages ({@code RssFile}: mapped index files, jars,
   * libraries), which the kernel can drop under memory pressure.
   */
  record Rss(long currentKib, long peakKib, long anonKib, long fileKib) {

    /** Reads the fields from the text of {@code /proc/<pid>/status}. */
    static Rss parse(String status) {
      return new Rss(field(status, "VmRSS"), field(status, "VmHWM"), field(status, "RssAnon"), field(status, "RssFile"));
    }

    private static long field(String status, String name) {
      for (String line : status.split("\n")) {
        if (line.startsWith(name + ":")) {
          String[] parts = line.substring(name.length() + 1).trim().split("\\s+");
          if (parts.length == 2 && parts[1].equals("kB")) {
            return Long.parseLong(parts[0]);
          }
          throw new IllegalArgumentException("unexpected " + name + " line in /proc status: '" + line + "'");
        }
      }
      throw new IllegalArgumentException("no " + name + " line in /proc status (not Linux?)");
    }

    double currentMib() {
      return currentKib / 1024.0;
    }

    double peakMib() {
      return peakKib / 1024.0;
    }

    double anonMib() {
      return anonKib / 1024.0;
    }

    double fileMib() {
      return fileKib / 1024.0;
    }

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "VmRSS %.0f MiB (anonymous %.0f, file %.0f), peak VmHWM %.0f MiB",
          currentMib(), anonMib(), fileMib(), peakMib());
    }
  }
}
