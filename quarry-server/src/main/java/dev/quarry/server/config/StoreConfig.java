package dev.quarry.server.config;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.store.jdbc.PostgresSettings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which store the server keeps its state in (section {@code store}): the embedded SQLite file in
 * the data directory (the default), or PostgreSQL for several instances sharing one state.
 */
public sealed interface StoreConfig {

  /** {@code kind: sqlite}: {@code quarry.sqlite} in the data directory. */
  record Sqlite() implements StoreConfig {}

  /**
   * {@code kind: postgres}: the store's own settings. The text hides the password, and the URL's
   * query (which may carry one too).
   */
  record Postgres(PostgresSettings settings) implements StoreConfig {
    public Postgres {
      Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String toString() {
      String url = settings.jdbcUrl();
      int query = url.indexOf('?');
      return "Postgres[url=" + (query < 0 ? url : url.substring(0, query) + "?<hidden>")
          + ", user=" + settings.user() + ", password=" + (settings.password().isPresent() ? "<hidden>" : "<none>")
          + ", schema=" + settings.schema().orElse("(default)") + ", poolSize=" + settings.maxPoolSize()
          + ", connectTimeout=" + settings.connectionTimeout() + "]";
    }
  }

  StoreConfig DEFAULT = new Sqlite();

  /**
   * Binds section {@code store}: {@code kind} (sqlite|postgres); for postgres {@code url}
   * (jdbc:postgresql://...), {@code user}, {@code password} (also {@code QUARRY_STORE_PASSWORD}),
   * {@code schema} (created when missing), {@code pool_size} (10) and {@code connect_timeout} (5s).
   */
  static StoreConfig from(ConfigSection s) {
    String kind = s.choice("kind", List.of("sqlite", "postgres")).orElse("sqlite");
    Optional<String> url = s.text("url");
    Optional<String> user = s.text("user");
    Optional<String> password = s.secret("password");
    Optional<String> schema = s.text("schema");
    Optional<Integer> poolSize = s.integer("pool_size", 1, 200);
    Optional<Duration> connectTimeout = s.duration("connect_timeout", Duration.ofMillis(250), Duration.ofMinutes(10));
    if (kind.equals("sqlite")) {
      List<String> keys = List.of("url", "user", "password", "schema", "pool_size", "connect_timeout");
      List<Optional<?>> values = List.of(url, user, password, schema, poolSize, connectTimeout);
      for (int i = 0; i < keys.size(); i++) {
        if (values.get(i).isPresent()) {
          throw s.invalid(keys.get(i), "only used when store.kind is postgres (it is sqlite)");
        }
      }
      s.done();
      return new Sqlite();
    }
    String jdbcUrl = url.orElseThrow(() -> s.invalid("url", "required when store.kind is postgres"));
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      // the value is not shown: a mistyped URL may carry a password
      throw s.invalid("url", "expected a JDBC URL starting with jdbc:postgresql:");
    }
    String name = user.orElseThrow(() -> s.invalid("user", "required when store.kind is postgres"));
    if (name.isBlank()) {
      throw s.invalid("user", "must not be blank");
    }
    schema.ifPresent(sc -> {
      if (!Pattern.matches("[a-z_][a-z0-9_]{0,62}", sc)) {
        throw s.invalid("schema", "expected a lower-case identifier ([a-z_][a-z0-9_]{0,62}), got \"" + sc + "\"");
      }
    });
    s.done();
    PostgresSettings d = PostgresSettings.of(jdbcUrl, name);
    try {
      return new Postgres(new PostgresSettings(jdbcUrl, name, password, schema,
          poolSize.orElse(d.maxPoolSize()), connectTimeout.orElse(d.connectionTimeout())));
    } catch (InvalidInputException e) {
      throw new InvalidInputException(s.path() + ": " + e.getMessage(), e);
    }
  }
}
