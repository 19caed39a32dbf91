package dev.quarry.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.error.StorageException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class MetadataJsonTest {

  @Property(tries = 300)
  void everyMetadataValueSurvivesTheStoredJsonWithItsType(@ForAll("metadata") Metadata metadata) {
    assertEquals(metadata, MetadataJson.read(MetadataJson.write(metadata)));
  }

  @Provide
  Arbitrary<Metadata> metadata() {
    Arbitrary<String> keys = Arbitraries.strings().ofMinLength(1).ofMaxLength(12)
        .filter(k -> !k.isBlank());
    Arbitrary<String> texts = Arbitraries.strings().ofMaxLength(20);
    Arbitrary<MetadataValue> values = Arbitraries.oneOf(
        texts.map(MetadataValue.Text::new),
        Arbitraries.doubles().filter(Double::isFinite).map(MetadataValue.Number::new),
        Arbitraries.longs().map(MetadataValue.Number::new),
        Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))
            .map(i -> new MetadataValue.Number(new BigDecimal(i))),
        Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(-20, 20))
            .as((unscaled, scale) -> new MetadataValue.Number(BigDecimal.valueOf(unscaled, scale))),
        Arbitraries.of(true, false).map(MetadataValue.Bool::new),
        Combinators.combine(
                Arbitraries.longs().between(-62_135_596_800L, 253_402_300_799L),
                Arbitraries.integers().between(0, 999_999_999))
            .as((seconds, nanos) -> (MetadataValue) new MetadataValue.Date(Instant.ofEpochSecond(seconds, nanos))),
        texts.list().ofMaxSize(4).map(MetadataValue.TextList::new));
    return Arbitraries.maps(keys, values).ofMaxSize(6).map(Metadata::new);
  }

  @Example
  void integersAreStoredAsIntegersAndDecimalsWithTheirDigits() {
    Metadata m = new Metadata(Map.of("year", new MetadataValue.Number(2021), "at", new MetadataValue.Number(2021.0),
        "big", new MetadataValue.Number(new BigDecimal("12345678901234567890")), "open", new MetadataValue.Bool(true)));
    assertEquals("{\"at\":{\"number\":2021.0},\"big\":{\"number\":12345678901234567890},\"open\":{\"bool\":true},"
        + "\"year\":{\"number\":2021}}", MetadataJson.write(m));
  }

  @Example
  void numbersStoredBeforeIntegersWereKeptReadAsTheDecimalsTheyWereWritten() {
    assertEquals(new Metadata(Map.of("year", new MetadataValue.Number(2024.0))), MetadataJson.read("{\"year\":{\"number\":2024.0}}"));
  }

  @Example
  void unknownTypesAreReportedNotGuessed() {
    StorageException e = assertThrows(StorageException.class, () -> MetadataJson.read("{\"k\":{\"blob\":1}}"));
    assertEquals("stored metadata 'k' has no known type: {\"blob\":1}", e.getMessage());
  }

  @Example
  void emptyListsAndNegativeZeroKeepTheirShape() {
    Metadata m = new Metadata(Map.of(
        "empty", new MetadataValue.TextList(List.of()),
        "zero", new MetadataValue.Number(-0.0)));
    assertEquals(m, MetadataJson.read(MetadataJson.write(m)));
  }
}
