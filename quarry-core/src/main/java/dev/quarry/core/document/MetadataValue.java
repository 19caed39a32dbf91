package dev.quarry.core.document;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A typed metadata value: string, number, date or a list of strings. */
public sealed interface MetadataValue {

  record Text(String value) implements MetadataValue {
    public Text {
      Objects.requireNonNull(value, "value");
    }
  }

  record Number(double value) implements MetadataValue {
    public Number {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("metadata number must be finite, got: " + value);
      }
    }
  }

  record Date(Instant value) implements MetadataValue {
    public Date {
      Objects.requireNonNull(value, "value");
    }
  }

  record TextList(List<String> values) implements MetadataValue {
    public TextList {
      values = List.copyOf(values);
    }
  }
}
