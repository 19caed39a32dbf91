package dev.quarry.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop clients: each of {@code clients} platform threads sends a request, waits for the
 * answer, records its latency and sends the next, until the duration is over. A request in flight
 * at the deadline finishes and counts. Any exception is an error, counted by kind, with the first
 * few messages kept; an error's latency is not recorded.
 */
final class ClosedLoop {

  /** One request of client {@code client} (0-based), its {@code n}-th; returns the units of work done. */
  @FunctionalInterface
  interface Request {
    long send(int client, long n) throws Exception;
  }

  /** A request the server answered wrongly; {@code kind} groups it in the report (e.g. "status 503"). */
  static final class Failed extends Exception {
    private final String kind;

    Failed(String kind, String message) {
      super(message);
      this.kind = kind;
    }

    String kind() {
      return kind;
    }
  }

  private static final int SAMPLES = 5;

  private final String name;
  private final List<Thread> threads = new ArrayList<>();
  private final long[][] latencies;
  private final int[] counts;
  private final LongAdder units = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final List<String> samples = new ArrayList<>();
  private final Duration duration;
  private final CountDownLatch go = new CountDownLatch(1);
  private volatile long startNanos;
  private volatile long deadlineNanos;

  private ClosedLoop(String name, int clients, Duration duration) {
    this.name = name;
    this.duration = duration;
    this.latencies = new long[clients][];
    this.counts = new int[clients];
  }

  /** Starts the clients; they run until {@code duration} has passed. */
  static ClosedLoop start(String name, int clients, Duration duration, Request request) {
    ClosedLoop loop = new ClosedLoop(name, clients, duration);
    for (int c = 0; c < clients; c++) {
      int client = c;
      loop.latencies[c] = new long[1024];
      loop.threads.add(Thread.ofPlatform().name("bench-" + name + "-" + c).start(() -> loop.client(client, request)));
    }
    loop.startNanos = System.nanoTime();
    loop.deadlineNanos = loop.startNanos + duration.toNanos();
    loop.go.countDown();
    return loop;
  }

  private void client(int client, Request request) {
    try {
      go.await();
    } catch (InterruptedException e) {
      return;
    }
    for (long n = 0; System.nanoTime() < deadlineNanos && !Thread.currentThread().isInterrupted(); n++) {
      long t0 = System.nanoTime();
      try {
        long done = request.send(client, n);
        long t = System.nanoTime() - t0;
        if (counts[client] == latencies[client].length) {
          latencies[client] = Arrays.copyOf(latencies[client], counts[client] * 2);
        }
        latencies[client][counts[client]++] = t;
        units.add(done);
      } catch (Failed e) {
        error(e.kind(), e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        error(e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
      }
    }
  }

  private void error(String kind, String message) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    synchronized (samples) {
      if (samples.size() < SAMPLES) {
        samples.add(kind + ": " + ApiClient.abbreviate(message));
      }
    }
  }

  /**
   * Waits for the clients to finish their last request: at most {@code grace} past the deadline,
   * after which the stragglers are interrupted and counted as errors.
   */
  Result await(Duration grace) throws InterruptedException {
    long until = deadlineNanos + grace.toNanos();
    for (Thread t : threads) {
      long left = until - System.nanoTime();
      if (left <= 0 || !t.join(Duration.ofNanos(left))) {
        t.interrupt();
        error("unfinished", t.getName() + " was still waiting for an answer " + LoadOptions.format(grace) + " after the deadline");
        t.join(Duration.ofSeconds(5));
      }
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    int total = 0;
    for (int c = 0; c < counts.length; c++) {
      total += counts[c];
    }
    long[] all = new long[total];
    int at = 0;
    for (int c = 0; c < counts.length; c++) {
      System.arraycopy(latencies[c], 0, all, at, counts[c]);
      at += counts[c];
    }
    Map<String, Long> kinds = new TreeMap<>();
    errors.forEach((k, v) -> kinds.put(k, v.sum()));
    List<String> messages;
    synchronized (samples) {
      messages = List.copyOf(samples);
    }
    return new Result(name, threads.size(), duration, all, units.sum(), kinds, messages, seconds);
  }

  /**
   * What the clients did.
   *
   * @param latencyNanos the latency of every successful request
   * @param units work done by the successful requests (queries, documents)
   * @param seconds from the start to the end of the last request
   */
  record Result(String name, int clients, Duration duration, long[] latencyNanos, long units,
      Map<String, Long> errorsByKind, List<String> errorSamples, double seconds) {

    Result {
      errorsByKind = Map.copyOf(errorsByKind);
      errorSamples = List.copyOf(errorSamples);
    }

    long succeeded() {
      return latencyNanos.length;
    }

    long errors() {
      return errorsByKind.values().stream().mapToLong(Long::longValue).sum();
    }

    double unitsPerSecond() {
      return units / seconds;
    }
  }
}
