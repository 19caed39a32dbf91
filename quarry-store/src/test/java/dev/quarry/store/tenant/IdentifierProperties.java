package dev.quarry.store.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.store.PageRequest;
import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.document.DocumentKey;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Tenant ids and collection names accept exactly their documented shape. */
class IdentifierProperties {

  private static final Pattern SHAPE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  @Property(tries = 500)
  void tenantIdsAndCollectionNamesAcceptExactlyTheirShape(
      @ForAll @StringLength(max = 70) @CharRange(from = 'a', to = 'f') @CharRange(from = '0', to = '2')
          @Chars({'-', '_', 'A', '.', '/', ' '}) String text) {
    boolean valid = SHAPE.matcher(text).matches();
    if (valid) {
      assertEquals(text, TenantId.of(text).value());
      assertEquals(text, CollectionKey.of(TenantId.of("t"), text).name());
    } else {
      assertThrows(InvalidInputException.class, () -> TenantId.of(text));
      assertThrows(InvalidInputException.class, () -> CollectionKey.of(TenantId.of("t"), text));
    }
  }

  @Test
  void documentIdsAreAnyTextWithoutNulUpToTheLimit() {
    CollectionKey c = CollectionKey.of(TenantId.of("t"), "c");
    assertEquals("Ünïcode / path?.pdf", DocumentKey.of(c, "Ünïcode / path?.pdf").id());
    assertThrows(InvalidInputException.class, () -> DocumentKey.of(c, " "));
    assertThrows(InvalidInputException.class, () -> DocumentKey.of(c, "a\0b"));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> DocumentKey.of(c, "x".repeat(513)));
    assertEquals("document id must be at most 512 characters, got: 513", e.getMessage());
  }

  @Test
  void pageLimitsAreBounded() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> PageRequest.first(0));
    assertEquals("page limit must be in 1..1000, got: 0", e.getMessage());
    assertThrows(InvalidInputException.class, () -> PageRequest.first(1001));
  }
}
