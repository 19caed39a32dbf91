package dev.quarry.server.api;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.server.http.Request;
import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code limit} and {@code cursor} query parameters of a list route, as the store's page request,
 * and the page's response body: the items under the list's name, and {@code next_cursor}.
 */
final class Paging {

  private Paging() {}

  static PageRequest of(Request r, int defaultLimit) {
    int limit = r.query("limit").map(Paging::limit).orElse(defaultLimit);
    return new PageRequest(limit, r.query("cursor"));
  }

  /** {@code {"<name>": [view of each item], "next_cursor": ...}} (null on the last page). */
  static <T> Map<String, Object> body(String name, Page<T> page, Function<T, ?> view) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(name, page.items().stream().map(view).toList());
    out.put("next_cursor", page.next().orElse(null));
    return out;
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
