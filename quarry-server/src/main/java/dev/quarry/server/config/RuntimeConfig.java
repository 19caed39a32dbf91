package dev.quarry.server.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.llm.config.LlmConfigReader;
import dev.quarry.runtime.AnswerSettings;
import dev.quarry.runtime.metering.MeteringSettings;
import dev.quarry.store.session.SessionPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * What answers are made with: the models (section {@code llm}: providers, models, routes and
 * resilience in the file,
 * read by quarry-llm's {@link LlmConfigReader}; {@code default_model} also from
 * {@code QUARRY_LLM_DEFAULT_MODEL}), and the answer pipeline's budgets and time (section
 * {@code answer}), and how long chat sessions live and how many turns they keep (section
 * {@code sessions}), the tool loop's bounds and tenants' HTTP tools (section {@code tools}), and how
 * model calls are metered against budgets (section {@code budgets}). Without an {@code llm} section
 * every request is answered extractively.
 */
public record RuntimeConfig(LlmConfig llm, AnswerSettings answer, SessionPolicy sessions, ToolsConfig tools,
    MeteringSettings metering) {

  public static final RuntimeConfig DEFAULT = new RuntimeConfig(LlmConfig.NONE, AnswerSettings.DEFAULT,
      SessionPolicy.DEFAULT, ToolsConfig.DEFAULT, MeteringSettings.DEFAULT);

  public RuntimeConfig {
    Objects.requireNonNull(llm, "llm");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(sessions, "sessions");
    Objects.requireNonNull(tools, "tools");
    Objects.requireNonNull(metering, "metering");
  }

  /** The models, answer settings and sessions given, tools and metering as by default. */
  public RuntimeConfig(LlmConfig llm, AnswerSettings answer, SessionPolicy sessions) {
    this(llm, answer, sessions, ToolsConfig.DEFAULT, MeteringSettings.DEFAULT);
  }

  public RuntimeConfig withTools(ToolsConfig newTools) {
    return new RuntimeConfig(llm, answer, sessions, newTools, metering);
  }

  /** The models and answer settings given, sessions as by default. */
  public RuntimeConfig(LlmConfig llm, AnswerSettings answer) {
    this(llm, answer, SessionPolicy.DEFAULT);
  }

  /** Binds sections {@code llm}, {@code answer}, {@code sessions}, {@code tools} and {@code budgets} of {@code root}. */
  public static RuntimeConfig from(ConfigSection root) {
    return new RuntimeConfig(llm(root.section("llm")), answer(root.section("answer")),
        sessions(root.section("sessions")), ToolsConfig.from(root.section("tools")),
        metering(root.section("budgets")));
  }

  /** This configuration with {@code newMetering}. */
  public RuntimeConfig withMetering(MeteringSettings newMetering) {
    return new RuntimeConfig(llm, answer, sessions, tools, newMetering);
  }

  private static MeteringSettings metering(ConfigSection s) {
    MeteringSettings d = MeteringSettings.DEFAULT;
    int max = s.integer("default_max_tokens", 1, 1_000_000).orElse(d.defaultMaxTokens());
    Duration cache = s.duration("cache", Duration.ZERO, Duration.ofMinutes(10)).orElse(d.budgetCache());
    s.done();
    return new MeteringSettings(max, cache, d.flushInterval());
  }

  private static SessionPolicy sessions(ConfigSection s) {
    SessionPolicy d = SessionPolicy.DEFAULT;
    Duration ttl = s.duration("ttl", Duration.ofMinutes(1), Duration.ofDays(365)).orElse(d.ttl());
    int maxTurns = s.integer("max_turns", 1, 10_000).orElse(d.maxTurns());
    s.done();
    return new SessionPolicy(ttl, maxTurns);
  }

  private static LlmConfig llm(ConfigSection s) {
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    s.tree("providers").ifPresent(n -> tree.set("providers", n));
    s.tree("models").ifPresent(n -> tree.set("models", n));
    s.tree("routes").ifPresent(n -> tree.set("routes", n));
    s.tree("resilience").ifPresent(n -> tree.set("resilience", n));
    s.text("default_model").ifPresent(m -> tree.put("default_model", m));
    s.done();
    return LlmConfigReader.read(tree, "llm");
  }

  private static AnswerSettings answer(ConfigSection s) {
    AnswerSettings d = AnswerSettings.DEFAULT;
    int k = s.integer("k", 1, AnswerSettings.MAX_K).orElse(d.k());
    int context = s.integer("context_tokens", 1, 1_000_000).orElse(d.contextTokens());
    int history = s.integer("history_tokens", 0, 1_000_000).orElse(d.historyTokens());
    int reply = s.integer("reply_tokens", 1, 1_000_000).orElse(d.replyTokens());
    int words = s.integer("extractive_words", 1, 10_000).orElse(d.answerWords());
    Duration timeout = s.duration("timeout", Duration.ofMillis(1), Duration.ofHours(1)).orElse(d.timeout());
    Duration max = s.duration("max_timeout", Duration.ofMillis(1), Duration.ofHours(1)).orElse(d.maxTimeout());
    s.done();
    if (max.compareTo(timeout) < 0) {
      throw s.invalid("max_timeout", "must be at least timeout (" + ConfigSection.format(timeout) + "), got "
          + ConfigSection.format(max));
    }
    try {
      return new AnswerSettings(k, context, history, reply, words, timeout, max);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(s.path() + ": " + e.getMessage(), e);
    }
  }
}
