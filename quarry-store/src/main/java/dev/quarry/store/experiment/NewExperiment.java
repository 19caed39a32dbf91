package dev.quarry.store.experiment;

import java.util.Objects;

/** An experiment to start: see {@link Experiment} for the fields. */
public record NewExperiment(String name, String collection, String kind, String assignBy, String arms) {
  public NewExperiment {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(assignBy, "assignBy");
    Objects.requireNonNull(arms, "arms");
  }
}
