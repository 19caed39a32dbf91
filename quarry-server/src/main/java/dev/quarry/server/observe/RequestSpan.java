package dev.quarry.server.observe;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.quarry.core.observe.StageObserver;
import dev.quarry.core.observe.TaskObserver;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.util.Objects;
import java.util.Optional;

/**
 * The trace of one request, from {@link Tracing#request}: its {@link TraceContext} (for the access
 * log and the {@code traceparent} response header) and, when traced and sampled, its server span.
 */
public final class RequestSpan {

  private final TraceContext trace;
  private final Span span;
  private final String name;
  private final StageObserver stages;
  private final Tracing.Anchor anchor;

  private RequestSpan(TraceContext trace, Span span, String name, StageObserver stages, Tracing.Anchor anchor) {
    this.trace = Objects.requireNonNull(trace, "trace");
    this.span = span;
    this.name = name;
    this.stages = stages;
    this.anchor = anchor;
  }

  static RequestSpan untraced(TraceContext trace) {
    return new RequestSpan(trace, Span.getInvalid(), "", StageObserver.NONE, new Tracing.Anchor(0, 0));
  }

  /** {@code span} was started as {@code name} (the method), at {@code anchor}. */
  static RequestSpan traced(TraceContext trace, Span span, String name, StageObserver stages, Tracing.Anchor anchor) {
    return new RequestSpan(trace, span, name, stages, anchor);
  }

  /** The ids this request answers with and logs. */
  public TraceContext trace() {
    return trace;
  }

  /** Runs the request's work with the stages the engine runs for it recorded under this span. */
  public <T, X extends Throwable> T run(ScopedValue.CallableOp<? extends T, X> work) throws X {
    return stages == StageObserver.NONE ? work.call() : TaskObserver.observing(stages, work);
  }

  /**
   * Ends the span once the response is written: named {@code METHOD /route/template} when a route
   * matched ({@code route}), with the status, the caller's tenant, and for a 5xx the error status
   * and {@code errorCode} (the response body's code; empty: the status is the error type).
   */
  public void end(Optional<String> route, Optional<String> tenant, int status, String errorCode) {
    if (!span.isRecording()) {
      return;
    }
    route.ifPresent(r -> {
      span.updateName(name + " " + r);
      span.setAttribute(SpanNames.HTTP_ROUTE, r);
    });
    tenant.ifPresent(t -> span.setAttribute(SpanNames.TENANT, t));
    span.setAttribute(SpanNames.HTTP_RESPONSE_STATUS_CODE, (long) status);
    if (status >= 500) {
      span.setStatus(StatusCode.ERROR);
      span.setAttribute(SpanNames.ERROR_TYPE, errorCode.isEmpty() ? Integer.toString(status) : errorCode);
    }
    span.end(anchor.epochNanosAt(System.nanoTime()), NANOSECONDS);
  }
}
