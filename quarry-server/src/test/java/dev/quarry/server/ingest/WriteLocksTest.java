package dev.quarry.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quarry.store.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteLocksTest {

  @Test
  void aCollectionIsQuietOnceItsWritesStopAndOnlyOncePerQuietSpell() {
    TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    WriteLocks locks = new WriteLocks(clock);
    Duration quiet = Duration.ofSeconds(10);
    locks.with("a", () -> null);
    locks.with("b", () -> null);
    assertEquals(List.of(), locks.quietSince(quiet), "just written");
    clock.advance(Duration.ofSeconds(9));
    assertEquals(List.of(), locks.quietSince(quiet), "not quiet long enough");
    clock.advance(Duration.ofSeconds(1));
    locks.with("b", () -> null); // b is written again: its spell restarts
    assertEquals(List.of("a"), locks.quietSince(quiet));
    assertEquals(List.of(), locks.quietSince(quiet), "a is reported once");
    locks.withoutRecording("a", () -> null); // compacting is not a write
    clock.advance(Duration.ofSeconds(10));
    assertEquals(List.of("b"), locks.quietSince(quiet));
    locks.assumeWritten("c");
    locks.with("c", () -> null);
    clock.advance(Duration.ofSeconds(10));
    assertEquals(List.of("c"), locks.quietSince(quiet), "once, though written twice");
  }
}
