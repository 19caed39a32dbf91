package dev.quarry.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteLocksTest {

  @Test
  void aCollectionIsQuietOnceItsWritesStopAndOnlyOncePerQuietSpell() throws InterruptedException {
    WriteLocks locks = new WriteLocks();
    Duration quiet = Duration.ofMillis(200);
    locks.with("a", () -> null);
    locks.with("b", () -> null);
    assertEquals(List.of(), locks.quietSince(quiet), "just written");
    Thread.sleep(250);
    locks.with("b", () -> null); // b is written again: its spell restarts
    assertEquals(List.of("a"), locks.quietSince(quiet));
    assertEquals(List.of(), locks.quietSince(quiet), "a is reported once");
    locks.withoutRecording("a", () -> null); // compacting is not a write
    Thread.sleep(250);
    assertEquals(List.of("b"), locks.quietSince(quiet));
  }
}
