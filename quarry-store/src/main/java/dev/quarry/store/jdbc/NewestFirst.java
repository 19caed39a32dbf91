package dev.quarry.store.jdbc;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Keyset paging newest first over a table's {@code (created_at, id)}: the cursor is {@code
 * <created_at epoch millis>:<id>} of the last row of a page, and the next page holds the rows
 * strictly older (or as old with a smaller id). Used by every list that pages by creation time.
 */
final class NewestFirst {

  private NewestFirst() {}

  /** Appends the condition after {@code page}'s cursor, the order and the limit (one row more than the page). */
  static void appendPage(StringBuilder sql, List<Object> params, PageRequest page) {
    page.after().ifPresent(cursor -> {
      int colon = cursor.indexOf(':');
      long createdAt;
      try {
        createdAt = Long.parseLong(cursor.substring(0, Math.max(0, colon)));
      } catch (NumberFormatException e) {
        throw new InvalidInputException("invalid page cursor '" + cursor + "'", e);
      }
      sql.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
      params.add(createdAt);
      params.add(createdAt);
      params.add(cursor.substring(colon + 1));
    });
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
    params.add(page.limit() + 1);
  }

  /** The page of {@code items} (as read with {@link #appendPage}: up to one more than the page). */
  static <T> Page<T> page(List<T> items, PageRequest page, Function<T, Instant> createdAt, Function<T, String> id) {
    List<T> kept = items.subList(0, Math.min(items.size(), page.limit()));
    Optional<String> next = items.size() > page.limit()
        ? Optional.of(createdAt.apply(kept.getLast()).toEpochMilli() + ":" + id.apply(kept.getLast()))
        : Optional.empty();
    return new Page<>(List.copyOf(kept), next);
  }
}
