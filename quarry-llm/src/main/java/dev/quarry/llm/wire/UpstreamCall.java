package dev.quarry.llm.wire;

import dev.quarry.core.error.ModelException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP exchange with an upstream, read line by line on the calling thread. Every wait is
 * bounded by the call's deadline and by the provider's {@code timeout} (the longest silence
 * allowed), and is interruptible; {@link #close()} before the body has ended cancels the exchange,
 * which closes the connection at once. The body arrives through a subscriber that asks for one
 * chunk at a time, so a slow reader holds at most one chunk in memory.
 */
public final class UpstreamCall implements AutoCloseable {

  private static final Object END = new Object();

  private final String model;
  private final Clock clock;
  private final Instant deadline;
  private final Duration timeout;
  private final BlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
  private volatile Flow.Subscription subscription;
  private volatile boolean closed;
  private CompletableFuture<HttpResponse<Void>> pending;
  private HttpResponse<Void> response;
  private byte[] buffer = new byte[8192];
  private int start;
  private int end;
  private boolean ended;

  private UpstreamCall(String model, Clock clock, Instant deadline, Duration timeout) {
    this.model = model;
    this.clock = clock;
    this.deadline = deadline;
    this.timeout = timeout;
  }

  /**
   * Sends {@code request} and waits for the response's status and headers. {@code model} is
   * Quarry's name of the model, for errors.
   */
  public static UpstreamCall open(HttpClient client, HttpRequest request, String model, Instant deadline,
      Duration timeout, Clock clock) {
    UpstreamCall call = new UpstreamCall(model, clock, deadline, timeout);
    Wait wait = call.nextWait("for the response to begin");
    call.pending = client.sendAsync(request, info -> call.new Subscriber());
    try {
      call.response = call.pending.get(wait.nanos(), TimeUnit.NANOSECONDS);
      return call;
    } catch (TimeoutException e) {
      call.close();
      throw call.timedOut("for the response to begin", wait.byDeadline());
    } catch (InterruptedException e) {
      call.close();
      Thread.currentThread().interrupt();
      throw call.interrupted();
    } catch (ExecutionException e) {
      call.close();
      throw call.connectionFailed(e.getCause());
    }
  }

  public int status() {
    return response.statusCode();
  }

  public HttpHeaders headers() {
    return response.headers();
  }

  /** The next line of the body without its line end; empty at the end of the body. */
  public Optional<String> nextLine() {
    while (true) {
      for (int i = start; i < end; i++) {
        if (buffer[i] == '\n') {
          int stop = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
          String line = new String(buffer, start, stop - start, StandardCharsets.UTF_8);
          start = i + 1;
          return Optional.of(line);
        }
      }
      if (ended) {
        if (start < end) {
          String rest = new String(buffer, start, end - start, StandardCharsets.UTF_8);
          start = end;
          return Optional.of(rest);
        }
        return Optional.empty();
      }
      fill("for the next streamed event");
    }
  }

  /** The whole body as text; more than {@code maxBytes} is an upstream_rejected failure. */
  public String readBody(int maxBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      out.write(buffer, start, end - start);
      start = end;
      if (out.size() > maxBytes) {
        throw UpstreamFailures.malformed(model, "the response body is larger than " + maxBytes + " bytes", null);
      }
      if (ended) {
        return out.toString(StandardCharsets.UTF_8);
      }
      fill("for the rest of the response");
    }
  }

  /**
   * Reads what is left of a body whose answer is complete (the protocol's end marker was read),
   * so that the connection goes back to the pool: at most {@code maxBytes}, waiting at most
   * {@code patience} in all. A body that does not end within those is left to {@link #close()}.
   */
  public void drain(int maxBytes, Duration patience) {
    long until = System.nanoTime() + patience.toNanos();
    int read = end - start;
    start = end;
    while (!ended && read <= maxBytes) {
      long left = until - System.nanoTime();
      Object chunk;
      try {
        chunk = left <= 0 ? null : chunks.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (chunk == null || chunk instanceof Throwable) {
        return;
      }
      if (chunk == END) {
        ended = true;
        return;
      }
      @SuppressWarnings("unchecked")
      List<ByteBuffer> buffers = (List<ByteBuffer>) chunk;
      for (ByteBuffer b : buffers) {
        read += b.remaining();
      }
      subscription.request(1);
    }
  }

  /** Cancels the exchange unless its body has ended: the connection is closed, not returned to the pool. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Flow.Subscription s = subscription;
    if (s != null && !ended) {
      s.cancel();
    }
    if (pending != null && !pending.isDone()) {
      pending.cancel(true);
    }
  }

  private void fill(String waitingFor) {
    Object chunk;
    Wait wait = nextWait(waitingFor);
    try {
      chunk = chunks.poll(wait.nanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw interrupted();
    }
    if (chunk == null) {
      close();
      throw timedOut(waitingFor, wait.byDeadline());
    }
    if (chunk == END) {
      ended = true;
      return;
    }
    if (chunk instanceof Throwable t) {
      ended = true;
      throw connectionFailed(t);
    }
    @SuppressWarnings("unchecked")
    List<ByteBuffer> buffers = (List<ByteBuffer>) chunk;
    for (ByteBuffer b : buffers) {
      append(b);
    }
    subscription.request(1);
  }

  private void append(ByteBuffer b) {
    int n = b.remaining();
    if (start > 0 && end + n > buffer.length) {
      System.arraycopy(buffer, start, buffer, 0, end - start);
      end -= start;
      start = 0;
    }
    if (end + n > buffer.length) {
      byte[] bigger = new byte[Math.max(buffer.length * 2, end + n)];
      System.arraycopy(buffer, 0, bigger, 0, end);
      buffer = bigger;
    }
    b.get(buffer, end, n);
    end += n;
  }

  /** How long one wait may last, and whether the deadline (rather than the timeout) sets that. */
  private record Wait(long nanos, boolean byDeadline) {}

  /** The next wait: the timeout, cut to the deadline; a passed deadline fails here. */
  private Wait nextWait(String waitingFor) {
    long untilDeadline = Duration.between(clock.instant(), deadline).toNanos();
    if (untilDeadline <= 0) {
      close();
      throw timedOut(waitingFor, true);
    }
    long timeoutNanos = timeout.toNanos();
    return untilDeadline <= timeoutNanos ? new Wait(untilDeadline, true) : new Wait(timeoutNanos, false);
  }

  private ModelException timedOut(String waitingFor, boolean deadlinePassed) {
    String why = deadlinePassed
        ? "the request's deadline passed while waiting " + waitingFor
        : "no answer within the provider's timeout of " + timeout.toMillis() + "ms while waiting " + waitingFor;
    return ModelException.unavailable(model, "model " + model + ": " + why, OptionalInt.empty(), Optional.empty(), null);
  }

  private ModelException interrupted() {
    return ModelException.unavailable(model, "model " + model + ": cancelled, the calling thread was interrupted",
        OptionalInt.empty(), Optional.empty(), null);
  }

  private ModelException connectionFailed(Throwable t) {
    if (t instanceof HttpConnectTimeoutException) {
      return ModelException.unavailable(model, "model " + model + ": could not connect to the upstream within "
          + timeout.toMillis() + "ms", OptionalInt.empty(), Optional.empty(), t);
    }
    if (t instanceof HttpTimeoutException) {
      return timedOut("for the upstream", !clock.instant().isBefore(deadline));
    }
    if (t instanceof ConnectException) {
      return ModelException.unavailable(model, "model " + model + ": could not connect to the upstream ("
          + describe(t) + ")", OptionalInt.empty(), Optional.empty(), t);
    }
    if (t instanceof IOException) {
      return ModelException.unavailable(model, "model " + model + ": the connection to the upstream failed ("
          + describe(t) + ")", OptionalInt.empty(), Optional.empty(), t);
    }
    return ModelException.rejected(model, "model " + model + ": the request could not be sent (" + describe(t) + ")",
        OptionalInt.empty(), t);
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  /** Hands body chunks to the reading thread, one requested at a time. */
  private final class Subscriber implements HttpResponse.BodySubscriber<Void> {

    @Override
    public CompletionStage<Void> getBody() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (closed) {
        s.cancel();
      } else {
        s.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      chunks.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
      chunks.add(throwable);
    }

    @Override
    public void onComplete() {
      chunks.add(END);
    }
  }
}
