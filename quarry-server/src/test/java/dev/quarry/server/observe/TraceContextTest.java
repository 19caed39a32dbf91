package dev.quarry.server.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TraceContextTest {

  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  @Test
  void aValidTraceparentKeepsTraceIdAndFlagsWithANewSpan() {
    TraceContext t = TraceContext.continuing(Optional.of("00-" + TRACE + "-00f067aa0ba902b7-01"));
    assertEquals(TRACE, t.traceId());
    assertEquals("01", t.flags());
    assertNotEquals("00f067aa0ba902b7", t.spanId());
    assertTrue(t.traceparent().matches("00-" + TRACE + "-[0-9a-f]{16}-01"), t.traceparent());
  }

  @Test
  void malformedOrAbsentTraceparentStartsANewTrace() {
    for (String bad : new String[] {
        "", "garbage", "00-" + TRACE + "-00f067aa0ba902b7", "ff-" + TRACE + "-00f067aa0ba902b7-01",
        "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01", "00-" + TRACE + "-0000000000000000-01",
        "00-" + TRACE.toUpperCase(java.util.Locale.ROOT) + "-00f067aa0ba902b7-01",
        "00-" + TRACE + "-00f067aa0ba902b7-01-extra"}) {
      TraceContext t = TraceContext.continuing(Optional.of(bad));
      assertNotEquals(TRACE, t.traceId(), bad);
      assertEquals("00", t.flags(), bad);
    }
    TraceContext fresh = TraceContext.continuing(Optional.empty());
    assertNotEquals(fresh.traceId(), TraceContext.continuing(Optional.empty()).traceId());
  }

  @Test
  void aLaterVersionIsReadByItsVersion00Prefix() {
    assertEquals(TRACE, TraceContext.continuing(Optional.of("01-" + TRACE + "-00f067aa0ba902b7-01-more")).traceId());
  }

  @Test
  void tracestateIsKeptWithAValidTraceparentAndWrittenBackByThePropagator() {
    TraceContext t = TraceContext.continuing(Optional.of("00-" + TRACE + "-00f067aa0ba902b7-01"),
        Optional.of("rojo=00f067aa0ba902b7, congo=t61rcWkgMzE"));
    assertEquals("00f067aa0ba902b7", t.traceState().get("rojo"));
    assertEquals("t61rcWkgMzE", t.traceState().get("congo"));
    assertEquals("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", t.headers().get("tracestate"), "order kept");
    assertEquals(t.traceparent(), t.headers().get("traceparent"));
  }

  @Test
  void aMalformedTracestateIsDroppedAndTheTraceparentKept() {
    TraceContext t = TraceContext.continuing(Optional.of("00-" + TRACE + "-00f067aa0ba902b7-01"),
        Optional.of("this is not=a list;of=members"));
    assertEquals(TRACE, t.traceId());
    assertTrue(t.traceState().isEmpty());
    assertFalse(t.headers().containsKey("tracestate"), t.headers().toString());
  }

  @Test
  void aTracestateWithoutAValidTraceparentStartsANewTraceWithoutIt() {
    TraceContext t = TraceContext.continuing(Optional.of("garbage"), Optional.of("rojo=00f067aa0ba902b7"));
    assertNotEquals(TRACE, t.traceId());
    assertTrue(t.traceState().isEmpty());
  }

  @Test
  void invalidIdsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new TraceContext("0".repeat(32), "00f067aa0ba902b7", "00"));
    assertThrows(IllegalArgumentException.class, () -> new TraceContext(TRACE, "xyz", "00"));
  }
}
