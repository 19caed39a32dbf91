package dev.quarry.store.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.InvalidInputException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class PlaintextKeyTest {

  @Test
  void generatedKeysCarryTheirIdAndParseBackToIt() {
    PlaintextKey key = PlaintextKey.generate();
    assertTrue(key.value().matches("qk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}"), key.value());
    assertEquals(key, PlaintextKey.parse(key.value()));
    assertTrue(key.isGenerated());
    assertNotEquals(key.value(), PlaintextKey.generate().value());
  }

  @Test
  void chosenKeysGetAStableDerivedIdAndMustBeLong() {
    PlaintextKey chosen = PlaintextKey.chosen("an-operator-chosen-secret-key");
    assertTrue(chosen.id().matches("x[0-9a-f]{15}"), chosen.id());
    assertEquals(chosen.id(), PlaintextKey.parse("an-operator-chosen-secret-key").id());
    assertFalse(chosen.isGenerated());
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> PlaintextKey.chosen("too-short"));
    assertEquals("a chosen API key must be at least 24 characters, got: 9", e.getMessage());
  }

  @Test
  void textThatCannotBeAKeyIsRefusedWithoutEchoingIt() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> PlaintextKey.parse("has space-secret"));
    assertFalse(e.getMessage().contains("secret"));
    assertThrows(InvalidInputException.class, () -> PlaintextKey.parse(""));
    assertThrows(InvalidInputException.class, () -> PlaintextKey.parse("x".repeat(257)));
    assertThrows(InvalidInputException.class, () -> PlaintextKey.parse("tab\tkey"));
  }

  @Test
  void toStringHidesTheSecret() {
    PlaintextKey key = PlaintextKey.generate();
    assertFalse(key.toString().contains(key.value()));
    assertTrue(key.toString().contains(key.id()));
  }

  @Property(tries = 200)
  void aHashMatchesItsPlaintextOnly(@ForAll @StringLength(min = 1, max = 80) String plaintext) {
    KeyHash hash = KeyHash.of(plaintext);
    assertTrue(hash.matches(plaintext));
    assertFalse(hash.matches(plaintext + "x"));
    assertNotEquals(plaintext, hash.hash());
    assertNotEquals(hash.salt(), KeyHash.of(plaintext).salt(), "a fresh salt every time");
  }
}
