package dev.quarry.llm.config;

import dev.quarry.core.error.InvalidInputException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * One route (an entry of {@code llm.routes}): a name a request may give as its model, the models it
 * tries, and how it orders them ({@link RouteStrategy}).
 */
public record RouteConfig(String name, List<String> models, RouteStrategy strategy) {

  public RouteConfig {
    Objects.requireNonNull(name, "name");
    models = List.copyOf(models);
    Objects.requireNonNull(strategy, "strategy");
    if (!name.matches(ProviderConfig.NAME_RULE)) {
      throw new InvalidInputException("name: must be 1-64 of A-Z a-z 0-9 . _ -, got \"" + name + "\"");
    }
    if (models.isEmpty()) {
      throw new InvalidInputException("models: route \"" + name + "\" lists no model; a route needs at least one");
    }
    if (new HashSet<>(models).size() != models.size()) {
      throw new InvalidInputException("models: route \"" + name + "\" lists a model twice: " + models);
    }
  }
}
