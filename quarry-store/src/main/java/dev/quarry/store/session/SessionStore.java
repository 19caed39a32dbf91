package dev.quarry.store.session;

import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import dev.quarry.store.tenant.TenantId;
import java.util.List;
import java.util.Optional;

/**
 * Chat sessions and their turns. A session past its expiry is not found, listed or continued (its
 * rows go at the next {@link #deleteExpired}).
 *
 * <p>Deletion holds: a turn whose answer cited a document (or memory) that no longer exists is read
 * back redacted (see {@link Turn}), whether or not {@link #scrubDeleted} has made that permanent
 * yet.
 */
public interface SessionStore {

  int MAX_USER_LENGTH = 256;

  /** A new, empty session; {@code NotFoundException} for an unknown tenant. */
  Session create(TenantId tenant, Optional<String> user, SessionPolicy policy);

  /**
   * An id for a session not written yet, made as {@link #create} makes one; nothing is written.
   * {@link #start} writes the session under it with its first turn, so a caller can name the
   * session (in a ledger, in a streamed answer) before it exists.
   */
  String newId();

  /**
   * A new session of {@code user} holding {@code firstTurn}, written in one transaction: what
   * {@link #create} then {@link #append} write, in one commit instead of two. Its expiry is now plus
   * the TTL. {@code NotFoundException} for an unknown tenant, {@code ConflictException} when the
   * tenant has a session of that id already.
   */
  Session start(TenantId tenant, String id, Optional<String> user, NewTurn firstTurn, SessionPolicy policy);

  Optional<Session> find(TenantId tenant, String id);

  /** The session's turns, oldest first, redacted where a cited document is gone. */
  List<Turn> turns(TenantId tenant, String id);

  /**
   * Appends a turn and moves the expiry to now plus the TTL; deletes the oldest turns beyond the
   * policy's maximum. {@code NotFoundException} when the session does not exist (or expired).
   */
  Session append(TenantId tenant, String id, NewTurn turn, SessionPolicy policy);

  /** The tenant's live sessions, newest first, of {@code user} only when one is given. */
  Page<Session> list(TenantId tenant, Optional<String> user, PageRequest page);

  /** Deletes a session and its turns; false when there was none. */
  boolean delete(TenantId tenant, String id);

  /** Deletes every session of an end user; returns how many. */
  long deleteOfUser(TenantId tenant, String user);

  /**
   * Makes the redaction of answers citing deleted documents or memories permanent: their text is
   * overwritten and those citations deleted. Returns how many turns were redacted.
   */
  int scrubDeleted(TenantId tenant);

  /** Worker method (all tenants): deletes up to {@code limit} expired sessions; returns how many. */
  int deleteExpired(int limit);
}
