package dev.quarry.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done with one connection inside one transaction. */
@FunctionalInterface
interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
