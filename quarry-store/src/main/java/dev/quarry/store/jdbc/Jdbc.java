package dev.quarry.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs one parameterised statement. Parameters bind by their Java type: {@code String}, {@code
 * Integer}, {@code Long}, {@code Instant} (as epoch milliseconds, the store's time column type) and
 * {@code Optional} of those (empty binds SQL NULL). Nothing is ever concatenated into SQL.
 */
final class Jdbc {

  private Jdbc() {}

  /** Maps the current row of a result set. */
  @FunctionalInterface
  interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  static <T> List<T> list(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(row.map(rs));
      }
      return out;
    }
  }

  static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
    List<T> rows = list(c, sql, row, params);
    if (rows.size() > 1) {
      throw new IllegalStateException("expected at most one row, got " + rows.size() + " for: " + sql);
    }
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
  }

  static boolean exists(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params)) {
      return ps.executeUpdate();
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      for (int i = 0; i < params.length; i++) {
        bind(ps, i + 1, params[i]);
      }
      return ps;
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  private static void bind(PreparedStatement ps, int index, Object value) throws SQLException {
    switch (value) {
      case null -> ps.setNull(index, Types.NULL);
      case String s -> ps.setString(index, s);
      case Integer n -> ps.setInt(index, n);
      case Long n -> ps.setLong(index, n);
      case Double d -> ps.setDouble(index, d);
      case Instant t -> ps.setLong(index, t.toEpochMilli());
      case byte[] b -> ps.setBytes(index, b);
      case Optional<?> o -> bind(ps, index, o.orElse(null));
      default -> throw new IllegalArgumentException(
          "cannot bind parameter " + index + " of type " + value.getClass().getName());
    }
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    if (rs.wasNull()) {
      throw new SQLException("column " + column + " is unexpectedly NULL");
    }
    return Instant.ofEpochMilli(millis);
  }

  static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
  }

  static Optional<String> optionalText(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getString(column));
  }
}
