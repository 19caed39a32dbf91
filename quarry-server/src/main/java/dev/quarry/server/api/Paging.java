package dev.quarry.server.api;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.server.http.Request;
import dev.quarry.store.PageRequest;

/** The {@code limit} and {@code cursor} query parameters of a list route, as the store's page request. */
final class Paging {

  private Paging() {}

  static PageRequest of(Request r, int defaultLimit) {
    int limit = r.query("limit").map(Paging::limit).orElse(defaultLimit);
    return new PageRequest(limit, r.query("cursor"));
  }

  private static int limit(String v) {
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= PageRequest.MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidInputException("limit must be a whole number in 1.." + PageRequest.MAX_LIMIT + ", got: '" + v + "'");
  }
}
