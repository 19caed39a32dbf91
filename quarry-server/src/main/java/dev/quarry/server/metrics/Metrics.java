package dev.quarry.server.metrics;

import java.time.Duration;

/**
 * What the server records about itself, as narrow as handlers need: they report events and never
 * see the exposition format. {@link #NONE} records nothing (the default for code that is given no
 * registry).
 */
public interface Metrics {

  /** A request answered: {@code route} is the route template (never the raw path with ids). */
  void requestCompleted(String route, String method, int status, Duration duration);

  /** A request failed with the taxonomy {@code code} (the wire name in the error body). */
  void errorRaised(String code);

  /** {@code count} documents were indexed (upserted) successfully. */
  void documentsIndexed(long count);

  /** Records nothing. */
  Metrics NONE = new Metrics() {
    @Override
    public void requestCompleted(String route, String method, int status, Duration duration) {}

    @Override
    public void errorRaised(String code) {}

    @Override
    public void documentsIndexed(long count) {}
  };
}
