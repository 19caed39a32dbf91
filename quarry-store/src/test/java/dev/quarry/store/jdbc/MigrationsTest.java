package dev.quarry.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MigrationsTest {

  @Test
  void everyScriptOnTheClassPathIsListedAndNumberedInOrder() throws IOException, URISyntaxException {
    Path db = Path.of(MigrationsTest.class.getClassLoader().getResource("db").toURI());
    Set<String> onDisk = new TreeSet<>();
    try (Stream<Path> files = Files.walk(db)) {
      files.filter(Files::isRegularFile).forEach(f -> onDisk.add(f.getFileName().toString()));
    }
    Set<String> listed = new TreeSet<>(Migrations.ALL.stream().map(Migrations.Script::fileName).toList());
    assertEquals(listed, onDisk, "scripts on disk and in Migrations.ALL must agree");
    for (int i = 0; i < Migrations.ALL.size(); i++) {
      assertEquals(i + 1, Migrations.ALL.get(i).version(), "versions are 1, 2, 3, ... without gaps");
    }
  }

  @Test
  void everyScriptLoadsForBothDialectsAndSplitsIntoStatements() {
    for (Dialect d : Dialect.values()) {
      for (Migrations.Script s : Migrations.ALL) {
        List<String> statements = Migrations.statements(Migrations.load(d, s));
        assertFalse(statements.isEmpty());
        statements.forEach(st -> assertFalse(st.endsWith(";"), st));
      }
    }
  }

  @Test
  void statementsEndAtASemicolonOnTheEndOfALineAndCommentsAreSkipped() {
    List<String> statements = Migrations.statements("""
        -- a comment; with a semicolon
        CREATE TABLE a (
          x TEXT DEFAULT 'a;b'
        );

        CREATE INDEX a_x ON a (x);
        """);
    assertEquals(List.of("CREATE TABLE a (\n  x TEXT DEFAULT 'a;b'\n)", "CREATE INDEX a_x ON a (x)"), statements);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Migrations.statements("SELECT 1"));
    assertTrue(e.getMessage().contains("ends without ';'"), e.getMessage());
  }
}
