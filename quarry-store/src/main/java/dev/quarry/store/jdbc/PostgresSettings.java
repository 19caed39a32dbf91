package dev.quarry.store.jdbc;

import dev.quarry.core.error.InvalidInputException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach PostgreSQL: a JDBC URL ({@code jdbc:postgresql://host:5432/db}), credentials, an
 * optional schema (created when missing; the store's tables live there, so several deployments can
 * share a database), the pool size and how long to wait for a connection.
 */
public record PostgresSettings(
    String jdbcUrl,
    String user,
    Optional<String> password,
    Optional<String> schema,
    int maxPoolSize,
    Duration connectionTimeout) {

  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  public PostgresSettings {
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(connectionTimeout, "connectionTimeout");
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new InvalidInputException("PostgreSQL jdbcUrl must start with 'jdbc:postgresql:', got: " + jdbcUrl);
    }
    if (user == null || user.isBlank()) {
      throw new InvalidInputException("PostgreSQL user must not be blank");
    }
    schema.ifPresent(s -> {
      if (!SCHEMA.matcher(s).matches()) {
        throw new InvalidInputException("PostgreSQL schema must match " + SCHEMA + ", got: " + s);
      }
    });
    if (maxPoolSize < 1 || maxPoolSize > 200) {
      throw new InvalidInputException("PostgreSQL maxPoolSize must be in 1..200, got: " + maxPoolSize);
    }
    if (connectionTimeout.toMillis() < 250) {
      throw new InvalidInputException(
          "PostgreSQL connectionTimeout must be at least 250 ms (HikariCP's floor), got: " + connectionTimeout);
    }
  }

  /** No password, the default schema, 10 connections, 5 s to connect. */
  public static PostgresSettings of(String jdbcUrl, String user) {
    return new PostgresSettings(jdbcUrl, user, Optional.empty(), Optional.empty(), 10, Duration.ofSeconds(5));
  }

  public PostgresSettings withSchema(String newSchema) {
    return new PostgresSettings(jdbcUrl, user, password, Optional.of(newSchema), maxPoolSize, connectionTimeout);
  }

  public PostgresSettings withPassword(String newPassword) {
    return new PostgresSettings(jdbcUrl, user, Optional.of(newPassword), schema, maxPoolSize, connectionTimeout);
  }

  public PostgresSettings withPool(int newMaxPoolSize, Duration newConnectionTimeout) {
    return new PostgresSettings(jdbcUrl, user, password, schema, newMaxPoolSize, newConnectionTimeout);
  }

  @Override
  public String toString() {
    return "PostgresSettings[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password="
        + (password.isPresent() ? "<hidden>" : "none") + ", schema=" + schema.orElse("(default)")
        + ", maxPoolSize=" + maxPoolSize + ", connectionTimeout=" + connectionTimeout + "]";
  }
}
