package dev.quarry.store.jdbc;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.memory.Memory;
import dev.quarry.store.memory.MemoryStore;
import dev.quarry.store.memory.NewMemory;
import dev.quarry.store.tenant.TenantId;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

final class JdbcMemoryStore implements MemoryStore {

  private static final String COLUMNS = "tenant_id, id, end_user, body, metadata, embedding_model, embedding, created_at";

  private final Database db;
  private final StoreOptions options;

  JdbcMemoryStore(Database db, StoreOptions options) {
    this.db = db;
    this.options = options;
  }

  @Override
  public Memory add(TenantId tenant, NewMemory m) {
    JdbcSessionStore.requireUser(m.user());
    if (m.text().indexOf('\0') >= 0) {
      throw new InvalidInputException("a memory's text must not contain NUL characters");
    }
    Instant now = options.now();
    String id = options.newId();
    return db.write("storing a memory in tenant '" + tenant + "'", c -> {
      Parents.requireTenant(c, tenant);
      long held = Jdbc.one(c, "SELECT COUNT(*) AS n FROM memories WHERE tenant_id = ? AND end_user = ?",
          rs -> rs.getLong("n"), tenant.value(), m.user()).orElse(0L);
      if (held >= MAX_PER_USER) {
        throw new ConflictException("user '" + m.user() + "' already has " + MAX_PER_USER
            + " memories, the most one user may have; delete some first");
      }
      Jdbc.update(c, "INSERT INTO memories (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", tenant.value(), id,
          m.user(), m.text(), m.metadata(), m.embeddingModel(), encode(m.embedding()), now);
      return new Memory(id, tenant, m.user(), m.text(), m.metadata(), m.embeddingModel(), m.embedding(), now);
    });
  }

  @Override
  public Optional<Memory> find(TenantId tenant, String id) {
    return db.read("reading memory '" + id + "'", c -> Jdbc.one(c,
        "SELECT " + COLUMNS + " FROM memories WHERE tenant_id = ? AND id = ?", JdbcMemoryStore::row,
        tenant.value(), id));
  }

  @Override
  public Page<Memory> list(TenantId tenant, Optional<String> user, PageRequest page) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM memories WHERE tenant_id = ?");
    List<Object> params = new ArrayList<>(List.of(tenant.value()));
    user.ifPresent(u -> {
      sql.append(" AND end_user = ?");
      params.add(u);
    });
    NewestFirst.appendPage(sql, params, page);
    return db.read("listing memories in tenant '" + tenant + "'", c -> {
      List<Memory> rows = Jdbc.list(c, sql.toString(), JdbcMemoryStore::row, params.toArray());
      return NewestFirst.page(rows, page, Memory::createdAt, Memory::id);
    });
  }

  @Override
  public List<Memory> ofUser(TenantId tenant, String user) {
    return db.read("reading the memories of a user in tenant '" + tenant + "'", c -> Jdbc.list(c,
        "SELECT " + COLUMNS + " FROM memories WHERE tenant_id = ? AND end_user = ? ORDER BY created_at, id LIMIT ?",
        JdbcMemoryStore::row, tenant.value(), user, MAX_PER_USER));
  }

  @Override
  public boolean delete(TenantId tenant, String id) {
    return db.write("deleting memory '" + id + "'", c ->
        Jdbc.update(c, "DELETE FROM memories WHERE tenant_id = ? AND id = ?", tenant.value(), id) > 0);
  }

  @Override
  public long deleteOfUser(TenantId tenant, String user) {
    return db.write("deleting the memories of a user in tenant '" + tenant + "'", c ->
        (long) Jdbc.update(c, "DELETE FROM memories WHERE tenant_id = ? AND end_user = ?", tenant.value(), user));
  }

  private static Memory row(ResultSet rs) throws SQLException {
    return new Memory(rs.getString("id"), new TenantId(rs.getString("tenant_id")), rs.getString("end_user"),
        rs.getString("body"), rs.getString("metadata"), rs.getString("embedding_model"),
        decode(rs.getString("embedding")), Jdbc.instant(rs, "created_at"));
  }

  /** Little-endian float32s, base64: the same text on both databases. */
  static String encode(List<Float> vector) {
    ByteBuffer b = ByteBuffer.allocate(vector.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    vector.forEach(b::putFloat);
    return Base64.getEncoder().encodeToString(b.array());
  }

  static List<Float> decode(String text) {
    ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(text)).order(ByteOrder.LITTLE_ENDIAN);
    List<Float> out = new ArrayList<>(b.remaining() / Float.BYTES);
    while (b.remaining() >= Float.BYTES) {
      out.add(b.getFloat());
    }
    return out;
  }
}
