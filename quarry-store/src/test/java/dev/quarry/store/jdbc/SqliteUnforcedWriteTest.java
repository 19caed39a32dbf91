package dev.quarry.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An unforced write commits without an fsync and leaves the writer forcing every other commit. */
class SqliteUnforcedWriteTest {

  private static final int NORMAL = 1;
  private static final int FULL = 2;

  @TempDir Path dir;

  private static int synchronous(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void runsAtNormalAndSetsTheWriterBackToFullEvenWhenItFails() throws Exception {
    try (SqliteDatabase db = new SqliteDatabase(dir.resolve("t.db"), 5000, 1, true)) {
      db.write("table", c -> {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE t (v INTEGER)");
        }
        return null;
      });
      assertEquals(FULL, db.write("mode", SqliteUnforcedWriteTest::synchronous));

      int inside = db.writeUnforced("insert", c -> {
        try (Statement s = c.createStatement()) {
          s.execute("INSERT INTO t VALUES (1)");
        }
        return synchronous(c);
      });
      assertEquals(NORMAL, inside);
      assertEquals(FULL, db.write("mode", SqliteUnforcedWriteTest::synchronous));
      assertEquals(1, (int) db.read("count", c -> {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
          rs.next();
          return rs.getInt(1);
        }
      }), "the unforced commit is visible to the next read");

      assertThrows(IllegalStateException.class, () -> db.writeUnforced("failing", c -> {
        throw new IllegalStateException("boom");
      }));
      assertEquals(FULL, db.write("mode", SqliteUnforcedWriteTest::synchronous));
    }
  }

  @Test
  void withoutFsyncOnEachCommitTheWriterStaysAtNormal() throws Exception {
    try (SqliteDatabase db = new SqliteDatabase(dir.resolve("n.db"), 5000, 1, false)) {
      assertEquals(NORMAL, (int) db.writeUnforced("mode", SqliteUnforcedWriteTest::synchronous));
      assertEquals(NORMAL, (int) db.write("mode", SqliteUnforcedWriteTest::synchronous));
    }
  }
}
