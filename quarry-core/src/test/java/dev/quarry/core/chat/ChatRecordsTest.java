package dev.quarry.core.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.ErrorCode;
import dev.quarry.core.error.ModelException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ChatRecordsTest {
  private static final Instant DEADLINE = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aRequestNeedsAMessageAndSaneSettings() {
    assertThrows(IllegalArgumentException.class, () -> ChatRequest.of(List.of(), DEADLINE));
    var messages = List.of(ChatMessage.user("hi"));
    var tooFew = assertThrows(IllegalArgumentException.class, () -> new ChatRequest(messages, OptionalInt.of(0),
        OptionalDouble.empty(), List.of(), Optional.empty(), DEADLINE));
    assertEquals("max_tokens must be at least 1, got: 0", tooFew.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ChatRequest(messages, OptionalInt.empty(),
        OptionalDouble.of(2.5), List.of(), Optional.empty(), DEADLINE));
  }

  @Test
  void onlyAssistantsCallToolsAndToolMessagesNameTheirCall() {
    var call = new ToolCall("c1", "search", "{}");
    assertThrows(IllegalArgumentException.class,
        () -> new ChatMessage(ChatRole.USER, "", List.of(call), Optional.empty()));
    assertThrows(IllegalArgumentException.class,
        () -> new ChatMessage(ChatRole.TOOL, "result", List.of(), Optional.empty()));
    assertEquals("c1", ChatMessage.toolResult("c1", "result").toolCallId().orElseThrow());
  }

  @Test
  void rolesRoundTripTheirWireNames() {
    for (ChatRole r : ChatRole.values()) {
      assertEquals(r, ChatRole.fromWire(r.wireName()));
    }
    var e = assertThrows(IllegalArgumentException.class, () -> ChatRole.fromWire("robot"));
    assertTrue(e.getMessage().contains("robot"));
  }

  @Test
  void toolNamesFollowTheFunctionFormat() {
    assertThrows(IllegalArgumentException.class, () -> new ToolSpec("has space", "", "{}"));
    assertEquals("get_document", new ToolSpec("get_document", "d", "{}").name());
  }

  @Test
  void usageAddsUpAndRemembersWhetherItWasCounted() {
    var sum = new TokenUsage(10, 2, 1, false).plus(new TokenUsage(5, 3, 0, true));
    assertEquals(new TokenUsage(15, 5, 1, true), sum);
    assertThrows(IllegalArgumentException.class, () -> new TokenUsage(-1, 0, 0, false));
  }

  @Test
  void modelFailuresSayWhetherARetryMayHelp() {
    var busy = ModelException.unavailable("small", "429 from upstream", OptionalInt.of(429),
        Optional.of(Duration.ofSeconds(2)), null);
    assertTrue(busy.code().retryable());
    assertFalse(busy.isAfterFirstToken());
    assertTrue(busy.afterFirstToken().isAfterFirstToken());
    assertEquals(Duration.ofSeconds(2), busy.afterFirstToken().retryAfter().orElseThrow());
    assertEquals(TokenUsage.NONE, busy.partialUsage());
    var cut = busy.afterFirstToken(new TokenUsage(12, 3, 0, true));
    assertEquals(new TokenUsage(12, 3, 0, true), cut.partialUsage());
    assertEquals(new TokenUsage(12, 3, 0, true), cut.afterFirstToken().partialUsage());
    var refused = ModelException.rejected("small", "400 from upstream", OptionalInt.of(400), null);
    assertEquals(ErrorCode.UPSTREAM_REJECTED, refused.code());
    assertFalse(refused.code().retryable());
    assertThrows(IllegalArgumentException.class, () -> new ModelException(ErrorCode.STORAGE, "m", "x",
        OptionalInt.empty(), Optional.empty(), false, null));
  }
}
