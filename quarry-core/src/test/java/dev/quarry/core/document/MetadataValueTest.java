package dev.quarry.core.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetadataValueTest {

  @Test
  void integersAndDecimalsKeepTheirSpelling() {
    assertEquals("2021", new MetadataValue.Number(2021).exact().toString());
    assertTrue(new MetadataValue.Number(2021).isInteger());
    assertEquals("2021.0", new MetadataValue.Number(2021.0).exact().toString());
    assertFalse(new MetadataValue.Number(2021.0).isInteger());
    assertEquals("12345678.0", new MetadataValue.Number(1.2345678E7).exact().toString(), "a whole double is still a decimal");
    assertEquals("0.5", new MetadataValue.Number(0.5).exact().toString());
    assertNotEquals(new MetadataValue.Number(2021), new MetadataValue.Number(2021.0));
    assertEquals(new MetadataValue.Number(2021).value(), new MetadataValue.Number(2021.0).value());
    BigDecimal huge = new BigDecimal("123456789012345678901234567890");
    assertEquals(huge, new MetadataValue.Number(huge).exact(), "integers beyond a long are kept exactly");
  }

  @Test
  void canonicalTextDropsExponentAndTrailingZeros() {
    assertEquals("2023", new MetadataValue.Number(2023.0).canonicalText());
    assertEquals("1000", new MetadataValue.Number(new BigDecimal("1E+3")).canonicalText());
    assertEquals("0.5", new MetadataValue.Number(new BigDecimal("0.500")).canonicalText());
    assertEquals("0", new MetadataValue.Number(-0.0).canonicalText());
    assertEquals(0.0, new MetadataValue.Number(-0.0).value());
  }

  @Test
  void numbersMustBeFiniteAndDatesClampToMilliseconds() {
    assertThrows(IllegalArgumentException.class, () -> new MetadataValue.Number(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new MetadataValue.Number(new BigDecimal("1e400")));
    assertEquals(Long.MAX_VALUE, new MetadataValue.Date(Instant.MAX).epochMillis());
    assertEquals(Long.MIN_VALUE, new MetadataValue.Date(Instant.MIN).epochMillis());
    assertEquals(1, new MetadataValue.Date(Instant.ofEpochSecond(0, 1_999_999)).epochMillis());
  }
}
