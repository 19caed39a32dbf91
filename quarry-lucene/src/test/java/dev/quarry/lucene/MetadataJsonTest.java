package dev.quarry.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.error.StorageException;
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
        Combinators.combine(
                Arbitraries.longs().between(-62_135_596_800L, 253_402_300_799L),
                Arbitraries.integers().between(0, 999_999_999))
            .as((seconds, nanos) -> (MetadataValue) new MetadataValue.Date(Instant.ofEpochSecond(seconds, nanos))),
        texts.list().ofMaxSize(4).map(MetadataValue.TextList::new));
    return Arbitraries.maps(keys, values).ofMaxSize(6).map(Metadata::new);
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
