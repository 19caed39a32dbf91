package dev.quarry.store.jdbc;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.session.NewTurn;
import dev.quarry.store.session.Session;
import dev.quarry.store.session.SessionPolicy;
import dev.quarry.store.session.SessionStore;
import dev.quarry.store.session.Turn;
import dev.quarry.store.session.TurnCitation;
import dev.quarry.store.tenant.TenantId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sessions in the store. Creating a session and adding a turn (or {@link #start}ing a session with
 * its first turn, one transaction) are committed before they return
 * (a session continued right after sees the turn) but not forced to the device ({@link
 * Database#writeUnforced}): a chat writes them on every answer, and a forced commit cost more than
 * the rest of the chat's own work (docs/benchmarks.md, issue 8); a power loss may lose the last
 * turns, a crash of the process none.
 */
final class JdbcSessionStore implements SessionStore {

  private static final String COLUMNS = "tenant_id, id, end_user, turns, created_at, updated_at, expires_at";
  private static final int MAX_EXPIRED = 1000;

  /** True for the citation row of {@code table} whose document (or memory) still exists. */
  private static String present(String table) {
    return "((" + table + ".collection IS NULL AND EXISTS (SELECT 1 FROM memories m WHERE m.tenant_id = "
        + table + ".tenant_id AND m.id = " + table + ".doc_id)) OR (" + table + ".collection IS NOT NULL AND EXISTS ("
        + "SELECT 1 FROM document_states d WHERE d.tenant_id = " + table + ".tenant_id AND d.collection = "
        + table + ".collection AND d.doc_id = " + table + ".doc_id)))";
  }

  private final Database db;
  private final StoreOptions options;

  JdbcSessionStore(Database db, StoreOptions options) {
    this.db = db;
    this.options = options;
  }

  @Override
  public Session create(TenantId tenant, Optional<String> user, SessionPolicy policy) {
    user.ifPresent(JdbcSessionStore::requireUser);
    Instant now = options.now();
    String id = options.newId();
    Instant expires = now.plus(policy.ttl());
    return db.writeUnforced("creating a session in tenant '" + tenant + "'", c -> {
      Parents.requireTenant(c, tenant);
      Jdbc.update(c, "INSERT INTO sessions (" + COLUMNS + ", next_turn) VALUES (?, ?, ?, 0, ?, ?, ?, 1)",
          tenant.value(), id, user, now, now, expires);
      return new Session(id, tenant, user, 0, now, now, expires);
    });
  }

  @Override
  public String newId() {
    return options.newId();
  }

  @Override
  public Session start(TenantId tenant, String id, Optional<String> user, NewTurn firstTurn, SessionPolicy policy) {
    user.ifPresent(JdbcSessionStore::requireUser);
    if (id.isBlank() || id.length() > 64) {
      throw new InvalidInputException("a session id must be 1-64 non-blank characters, got: '" + id + "'");
    }
    Instant now = options.now();
    Instant expires = now.plus(policy.ttl());
    return db.writeUnforced("starting a session in tenant '" + tenant + "'", c -> {
      Parents.requireTenant(c, tenant);
      if (Jdbc.one(c, "SELECT id FROM sessions WHERE tenant_id = ? AND id = ?", rs -> rs.getString("id"),
          tenant.value(), id).isPresent()) {
        throw new ConflictException("session '" + id + "' already exists in tenant '" + tenant + "'");
      }
      Jdbc.update(c, "INSERT INTO sessions (" + COLUMNS + ", next_turn) VALUES (?, ?, ?, 1, ?, ?, ?, 2)",
          tenant.value(), id, user, now, now, expires);
      insertTurn(c, tenant, id, 1, firstTurn, now);
      return new Session(id, tenant, user, 1, now, now, expires);
    });
  }

  @Override
  public Optional<Session> find(TenantId tenant, String id) {
    Instant now = options.now();
    return db.read("reading session '" + id + "'", c -> select(c, tenant, id, now, ""));
  }

  @Override
  public List<Turn> turns(TenantId tenant, String id) {
    return db.read("reading the turns of session '" + id + "'", c -> {
      Map<Integer, List<TurnCitation>> cited = new HashMap<>();
      Map<Integer, Boolean> gone = new HashMap<>();
      Jdbc.list(c, "SELECT turn, marker, collection, doc_id, chunk, start_offset, end_offset, quote, CASE WHEN "
              + present("session_citations") + " THEN 1 ELSE 0 END AS present FROM session_citations"
              + " WHERE tenant_id = ? AND session_id = ? ORDER BY turn, marker",
          rs -> {
            int turn = rs.getInt("turn");
            if (rs.getInt("present") == 1) {
              cited.computeIfAbsent(turn, t -> new ArrayList<>()).add(new TurnCitation(rs.getInt("marker"),
                  Jdbc.optionalText(rs, "collection"), rs.getString("doc_id"), rs.getInt("chunk"),
                  rs.getInt("start_offset"), rs.getInt("end_offset"), rs.getString("quote")));
            } else {
              gone.put(turn, true);
            }
            return turn;
          }, tenant.value(), id);
      return Jdbc.list(c, "SELECT ordinal, question, answer, model, input_tokens, output_tokens, redacted, created_at"
              + " FROM session_turns WHERE tenant_id = ? AND session_id = ? ORDER BY ordinal",
          rs -> {
            int ordinal = rs.getInt("ordinal");
            boolean redacted = rs.getInt("redacted") == 1 || gone.containsKey(ordinal);
            return new Turn(ordinal, rs.getString("question"), redacted ? Turn.REDACTED : rs.getString("answer"),
                rs.getString("model"), cited.getOrDefault(ordinal, List.of()), rs.getLong("input_tokens"),
                rs.getLong("output_tokens"), redacted, Jdbc.instant(rs, "created_at"));
          }, tenant.value(), id);
    });
  }

  @Override
  public Session append(TenantId tenant, String id, NewTurn turn, SessionPolicy policy) {
    Instant now = options.now();
    return db.writeUnforced("adding a turn to session '" + id + "'", c -> {
      select(c, tenant, id, now, db.dialect().forUpdate()).orElseThrow(() -> missing(tenant, id));
      int ordinal = Jdbc.one(c, "SELECT next_turn FROM sessions WHERE tenant_id = ? AND id = ?",
          rs -> rs.getInt("next_turn"), tenant.value(), id).orElseThrow();
      insertTurn(c, tenant, id, ordinal, turn, now);
      Jdbc.update(c, "DELETE FROM session_turns WHERE tenant_id = ? AND session_id = ? AND ordinal <= ?",
          tenant.value(), id, ordinal - policy.maxTurns());
      Jdbc.update(c, "UPDATE sessions SET next_turn = ?, updated_at = ?, expires_at = ?, turns = (SELECT COUNT(*)"
              + " FROM session_turns t WHERE t.tenant_id = sessions.tenant_id AND t.session_id = sessions.id)"
              + " WHERE tenant_id = ? AND id = ?",
          ordinal + 1, now, now.plus(policy.ttl()), tenant.value(), id);
      return select(c, tenant, id, now, "").orElseThrow();
    });
  }

  @Override
  public Page<Session> list(TenantId tenant, Optional<String> user, PageRequest page) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM sessions WHERE tenant_id = ? AND expires_at > ?");
    List<Object> params = new ArrayList<>(List.of(tenant.value(), options.now()));
    user.ifPresent(u -> {
      sql.append(" AND end_user = ?");
      params.add(u);
    });
    NewestFirst.appendPage(sql, params, page);
    return db.read("listing sessions of tenant '" + tenant + "'", c -> {
      List<Session> rows = Jdbc.list(c, sql.toString(), JdbcSessionStore::row, params.toArray());
      return NewestFirst.page(rows, page, Session::createdAt, Session::id);
    });
  }

  @Override
  public boolean delete(TenantId tenant, String id) {
    return db.write("deleting session '" + id + "'", c ->
        Jdbc.update(c, "DELETE FROM sessions WHERE tenant_id = ? AND id = ?", tenant.value(), id) > 0);
  }

  @Override
  public long deleteOfUser(TenantId tenant, String user) {
    return db.write("deleting the sessions of a user in tenant '" + tenant + "'", c -> {
      // the ledger keeps the user's model calls for billing, but no longer says which sessions they were in
      Jdbc.update(c, "UPDATE model_calls SET session_id = NULL WHERE tenant_id = ? AND session_id IN"
          + " (SELECT id FROM sessions WHERE tenant_id = ? AND end_user = ?)", tenant.value(), tenant.value(), user);
      return (long) Jdbc.update(c, "DELETE FROM sessions WHERE tenant_id = ? AND end_user = ?", tenant.value(), user);
    });
  }

  @Override
  public int scrubDeleted(TenantId tenant) {
    return db.write("redacting answers that cite deleted documents in tenant '" + tenant + "'", c -> {
      int turns = Jdbc.update(c, "UPDATE session_turns SET answer = ?, redacted = 1 WHERE tenant_id = ? AND EXISTS ("
              + "SELECT 1 FROM session_citations WHERE session_citations.tenant_id = session_turns.tenant_id"
              + " AND session_citations.session_id = session_turns.session_id"
              + " AND session_citations.turn = session_turns.ordinal AND NOT " + present("session_citations") + ")",
          Turn.REDACTED, tenant.value());
      Jdbc.update(c, "DELETE FROM session_citations WHERE tenant_id = ? AND NOT " + present("session_citations"),
          tenant.value());
      return turns;
    });
  }

  @Override
  public int deleteExpired(int limit) {
    if (limit < 1 || limit > MAX_EXPIRED) {
      throw new InvalidInputException("limit must be in 1.." + MAX_EXPIRED + ", got: " + limit);
    }
    Instant now = options.now();
    return db.write("deleting expired sessions", c -> {
      int deleted = 0;
      for (String[] key : Jdbc.list(c, "SELECT tenant_id, id FROM sessions WHERE expires_at <= ?"
          + " ORDER BY expires_at LIMIT ?", rs -> new String[] {rs.getString(1), rs.getString(2)}, now, limit)) {
        deleted += Jdbc.update(c, "DELETE FROM sessions WHERE tenant_id = ? AND id = ?", key[0], key[1]);
      }
      return deleted;
    });
  }

  private static void insertTurn(Connection c, TenantId tenant, String id, int ordinal, NewTurn turn, Instant now)
      throws SQLException {
    Jdbc.update(c, "INSERT INTO session_turns (tenant_id, session_id, ordinal, question, answer, model, input_tokens,"
            + " output_tokens, redacted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
        tenant.value(), id, ordinal, turn.question(), turn.answer(), turn.model(), turn.inputTokens(),
        turn.outputTokens(), now);
    for (TurnCitation t : turn.citations()) {
      Jdbc.update(c, "INSERT INTO session_citations (tenant_id, session_id, turn, marker, collection, doc_id, chunk,"
              + " start_offset, end_offset, quote) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          tenant.value(), id, ordinal, t.id(), t.collection(), t.documentId(), t.chunk(), t.start(), t.end(),
          t.quote());
    }
  }

  private static Optional<Session> select(Connection c, TenantId tenant, String id, Instant now, String lock)
      throws SQLException {
    return Jdbc.one(c, "SELECT " + COLUMNS + " FROM sessions WHERE tenant_id = ? AND id = ? AND expires_at > ?" + lock,
        JdbcSessionStore::row, tenant.value(), id, now);
  }

  private static Session row(ResultSet rs) throws SQLException {
    return new Session(rs.getString("id"), new TenantId(rs.getString("tenant_id")), Jdbc.optionalText(rs, "end_user"),
        rs.getInt("turns"), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"),
        Jdbc.instant(rs, "expires_at"));
  }

  private static NotFoundException missing(TenantId tenant, String id) {
    return new NotFoundException("session '" + id + "' does not exist in tenant '" + tenant + "'");
  }

  static void requireUser(String user) {
    if (user.isBlank() || user.length() > MAX_USER_LENGTH || user.indexOf('\0') >= 0) {
      throw new InvalidInputException("user must be 1-" + MAX_USER_LENGTH + " non-blank characters without NUL");
    }
  }
}
