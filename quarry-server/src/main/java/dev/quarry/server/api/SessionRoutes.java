package dev.quarry.server.api;

import static dev.quarry.server.tenancy.TenantCollections.caller;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.runtime.Answer;
import dev.quarry.runtime.assemble.Passage;
import dev.quarry.runtime.cite.Citation;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.Request;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.store.Page;
import dev.quarry.store.key.Scope;
import dev.quarry.store.session.NewTurn;
import dev.quarry.store.session.Session;
import dev.quarry.store.session.SessionStore;
import dev.quarry.store.session.Turn;
import dev.quarry.store.session.TurnCitation;
import dev.quarry.store.tenant.TenantId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Chat sessions of the caller's tenant: {@code GET /v1/sessions}, {@code GET} and {@code DELETE
 * /v1/sessions/{session}}. A session of an end user is that user's: it is found only when the
 * request names the same {@code user} (a session without a user, only when the request names none).
 * {@code POST /v1/chat} creates and continues them ({@link ChatRoutes}).
 */
public final class SessionRoutes {

  /** Citation markers of a stored answer: they named the passages of that turn, not of the next. */
  private static final Pattern MARKER = Pattern.compile("\\s?\\[\\d+(?:\\s*,\\s*\\d+)*\\]");

  private final SessionStore sessions;

  public SessionRoutes(SessionStore sessions) {
    this.sessions = sessions;
  }

  public void register(Router router) {
    Access search = Access.scope(Scope.SEARCH);
    ApiDoc.Param user = ApiDoc.Param.query("user", "The end user the sessions belong to; without it, the sessions "
        + "of no user.");
    router.route("GET", "/v1/sessions", search,
        ApiDoc.op("listSessions", "List the caller's live chat sessions, newest first")
            .param(ApiDoc.Param.query("user", "Only the sessions of this end user (without it: all of the tenant's)."))
            .param(ApiDoc.Param.query("limit", "Page size, 1-1000 (default 50)."))
            .param(ApiDoc.Param.query("cursor", "`next_cursor` of the previous page."))
            .responds(200, "`sessions` (`id`, `user`, `turns`, `created_at`, `updated_at`, `expires_at`), `next_cursor`"),
        (r, k) -> {
          Page<Session> page = sessions.list(caller(k).tenant(), user(r), Paging.of(r, 50));
          return Response.ok(Paging.body("sessions", page, SessionRoutes::view));
        });
    router.route("GET", "/v1/sessions/{session}", search,
        ApiDoc.op("getSession", "A chat session and its turns")
            .param(ApiDoc.Param.path("session", "The `session_id` a chat answer returned."))
            .param(user)
            .responds(200, "as in the list, and `turns` (`turn`, `question`, `answer`, `model`, `citations`, "
                + "`input_tokens`, `output_tokens`, `redacted`, `created_at`); an answer that cited a document or "
                + "memory deleted since reads `" + Turn.REDACTED + "` with `redacted: true`")
            .fails(404, "not_found: no such live session of this user in the tenant"),
        (r, k) -> {
          TenantId tenant = caller(k).tenant();
          Session s = find(tenant, r.path("session"), user(r));
          Map<String, Object> out = view(s);
          out.put("turns", sessions.turns(tenant, s.id()).stream().map(SessionRoutes::turn).toList());
          return Response.ok(out);
        });
    router.route("DELETE", "/v1/sessions/{session}", search,
        ApiDoc.op("deleteSession", "Delete a chat session and its turns")
            .param(ApiDoc.Param.path("session", "The session id."))
            .param(user)
            .responds(200, "`{\"deleted\": true}`")
            .fails(404, "not_found: no such live session of this user in the tenant"),
        (r, k) -> {
          TenantId tenant = caller(k).tenant();
          Session s = find(tenant, r.path("session"), user(r));
          sessions.delete(tenant, s.id());
          return Response.ok(Map.of("deleted", true));
        });
  }

  /** The live session {@code id} of {@code user}; another tenant's or user's is not found. */
  Session find(TenantId tenant, String id, Optional<String> user) {
    return sessions.find(tenant, id).filter(s -> s.belongsTo(user))
        .orElseThrow(() -> new NotFoundException("session '" + id + "' does not exist"
            + user.map(u -> " for user '" + u + "'").orElse("")));
  }

  private static Optional<String> user(Request r) {
    Optional<String> user = r.query("user");
    if (user.isPresent() && !validUser(user.get())) {
      throw ApiException.invalidParameter("user", USER_RULE);
    }
    return user;
  }

  static final String USER_RULE = "user must be 1-" + SessionStore.MAX_USER_LENGTH
      + " non-blank characters without NUL";

  /** An end user's name: 1-256 characters, not blank, no NUL. */
  static boolean validUser(String user) {
    return !user.isBlank() && user.length() <= SessionStore.MAX_USER_LENGTH && user.indexOf('\0') < 0;
  }

  /**
   * A session's turns as conversation, oldest first: each question and its answer, the answer's
   * markers removed (they named that turn's passages).
   */
  static List<ChatMessage> history(List<Turn> turns) {
    List<ChatMessage> out = new ArrayList<>();
    for (Turn t : turns) {
      out.add(ChatMessage.user(t.question()));
      String answer = MARKER.matcher(t.answer()).replaceAll("").strip();
      if (!answer.isEmpty()) {
        out.add(ChatMessage.assistant(answer));
      }
    }
    return out;
  }

  /** What a session keeps of an answer. */
  static NewTurn turn(String question, Answer a) {
    return new NewTurn(question, a.text(), a.model(), a.citations().stream().map(SessionRoutes::stored).toList(),
        a.usage().inputTokens(), a.usage().outputTokens());
  }

  private static TurnCitation stored(Citation c) {
    Optional<String> collection = c.collection().equals(Passage.MEMORY) ? Optional.empty() : Optional.of(c.collection());
    return new TurnCitation(c.id(), collection, c.documentId(), c.chunk(), c.start(), c.end(),
        c.quote());
  }

  static Map<String, Object> view(Session s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", s.id());
    out.put("user", s.user().orElse(null));
    out.put("turns", s.turns());
    out.put("created_at", s.createdAt().toString());
    out.put("updated_at", s.updatedAt().toString());
    out.put("expires_at", s.expiresAt().toString());
    return out;
  }

  private static Map<String, Object> turn(Turn t) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("turn", t.ordinal());
    out.put("question", t.question());
    out.put("answer", t.answer());
    out.put("model", t.model());
    out.put("citations", t.citations().stream().map(SessionRoutes::citation).toList());
    out.put("input_tokens", t.inputTokens());
    out.put("output_tokens", t.outputTokens());
    out.put("redacted", t.redacted());
    out.put("created_at", t.createdAt().toString());
    return out;
  }

  private static Map<String, Object> citation(TurnCitation c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("collection", c.collection().orElse(null));
    m.put("document_id", c.documentId());
    m.put("chunk", c.chunk());
    m.put("start", c.start());
    m.put("end", c.end());
    m.put("quote", c.quote());
    return m;
  }
}
