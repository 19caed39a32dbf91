package dev.quarry.server.api;

import dev.quarry.core.index.StoredChunk;
import dev.quarry.runtime.Answer;
import dev.quarry.runtime.Degradation;
import dev.quarry.runtime.assemble.Context;
import dev.quarry.runtime.assemble.Passage;
import dev.quarry.runtime.cite.Citation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An answer in the wire shape of {@code POST /v1/chat} (and of its streamed events). */
final class AnswerJson {

  private AnswerJson() {}

  static Map<String, Object> answer(Answer a, Optional<String> sessionId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("answer", a.text());
    m.put("citations", a.citations().stream().map(AnswerJson::citation).toList());
    m.put("session_id", sessionId.orElse(null));
    m.put("model", a.model());
    m.put("usage", usage(a));
    m.put("timings", timings(a));
    m.put("degraded", a.degraded().stream().map(AnswerJson::degradation).toList());
    m.put("generations", a.generations());
    return m;
  }

  static Map<String, Object> usage(Answer a) {
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("input_tokens", a.usage().inputTokens());
    u.put("output_tokens", a.usage().outputTokens());
    u.put("cost", a.cost());
    return u;
  }

  /** Each stage's wall time in milliseconds, in the order they ran. */
  static Map<String, Object> timings(Answer a) {
    Map<String, Object> t = new LinkedHashMap<>();
    a.timings().forEach((stage, d) -> t.put(stage + "_ms", d.toNanos() / 1e6));
    return t;
  }

  static Map<String, Object> citation(Citation c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("collection", c.collection().equals(Passage.MEMORY) ? null : c.collection());
    m.put("document_id", c.documentId());
    m.put("chunk", c.chunk());
    m.put("start", c.start());
    m.put("end", c.end());
    m.put("quote", c.quote());
    return m;
  }

  /** The passages of a context, as the candidates an answer may cite (the whole chunk as the quote). */
  static List<Map<String, Object>> passages(Context context) {
    return context.passages().stream().map(AnswerJson::passage).toList();
  }

  private static Map<String, Object> passage(Passage p) {
    StoredChunk c = p.chunk();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.number());
    m.put("collection", p.memory() ? null : p.collection());
    m.put("document_id", c.documentId());
    m.put("chunk", c.ordinal());
    m.put("start", c.start());
    m.put("end", c.end());
    m.put("title", c.title());
    m.put("quote", c.text());
    return m;
  }

  private static Map<String, Object> degradation(Degradation d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stage", d.stage());
    m.put("reason", d.reason());
    m.put("fallback", d.fallback());
    return m;
  }
}
