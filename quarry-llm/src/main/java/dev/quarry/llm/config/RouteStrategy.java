package dev.quarry.llm.config;

/** How a route orders the models that fit a request. */
public enum RouteStrategy {
  /** In the order the route lists them. */
  ORDERED,
  /** Cheapest first, by the request's expected cost at each model's prices; ties keep the listed order. */
  CHEAPEST;

  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
