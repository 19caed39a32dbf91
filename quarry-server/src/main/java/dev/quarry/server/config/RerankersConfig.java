package dev.quarry.server.config;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.embed.model.EmbeddingModels;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.rerank.crossencoder.CrossEncoderConfig;
import dev.quarry.rerank.llm.LlmRerankerConfig;
import dev.quarry.rerank.remote.RemoteRerankerConfig;
import dev.quarry.rerank.remote.RerankApi;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Section {@code rerankers}: a list (in the file only) of the re-rankers a search may name besides
 * the catalogue's embedding models, each with a {@code name} and a {@code kind}:
 *
 * <ul>
 *   <li>{@code cross_encoder}: the user's ONNX cross-encoder, {@code model} and {@code tokenizer}
 *       (tokenizer.json) paths, {@code max_tokens} (8..8192, default 512), {@code batch_size}
 *       (1..1024, default 16), {@code threads} (1..64, default 1);
 *   <li>{@code cohere}, {@code jina}, {@code tei}: a remote {@code /rerank} API at {@code url}, with
 *       {@code model} (required by cohere and jina), {@code api_key_env} (the variable holding the
 *       bearer key; it must be set) and {@code timeout} (1ms..60s, default 2s; then the fused
 *       order is kept and the response is marked degraded);
 *   <li>{@code llm}: listwise re-ranking by {@code model}, a model or route of section {@code llm},
 *       through the same metered path as chat (so its calls are charged to the searching tenant):
 *       {@code depth} (1..100, default 20) candidates ranked, {@code window} (2..100, default 20)
 *       per call sliding {@code step} (1..window, default window / 2) up, each candidate's text cut
 *       to {@code max_chars} (16..20000, default 1000), {@code max_tokens} (1..8192, default six per
 *       listed candidate plus 32) and {@code timeout} (1ms..2m, default 10s) for all its calls.
 * </ul>
 *
 * Every problem is reported with the entry's path, e.g. {@code rerankers[1].url}. Keys are never
 * shown by {@link #toString()}.
 */
public record RerankersConfig(List<Entry> entries) {

  public static final RerankersConfig NONE = new RerankersConfig(List.of());

  /** The kinds a re-ranker entry may have, as written in the file. */
  public static final List<String> KINDS = List.of("cross_encoder", "cohere", "jina", "tei", "llm");

  /** Default time a remote re-ranker has to answer. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** One configured re-ranker; {@code path} is where it was declared ({@code rerankers[0]}). */
  public sealed interface Entry {
    String name();

    String path();
  }

  /** The user's cross-encoder. */
  public record CrossEncoder(String name, String path, CrossEncoderConfig config) implements Entry {
    public CrossEncoder {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(config, "config");
    }

    @Override
    public String toString() {
      return "CrossEncoder[name=" + name + ", model=" + config.model() + ", tokenizer=" + config.tokenizer()
          + ", maxTokens=" + config.maxTokens() + ", batchSize=" + config.batchSize() + "]";
    }
  }

  /** A remote re-rank API; its key came from the variable {@code apiKeyEnv}. */
  public record Remote(String name, String path, RemoteRerankerConfig config, Optional<String> apiKeyEnv)
      implements Entry {
    public Remote {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(apiKeyEnv, "apiKeyEnv");
    }

    @Override
    public String toString() {
      RemoteRerankerConfig c = config;
      return "Remote[name=" + name + ", api=" + c.api() + ", url=" + c.url() + ", model=" + c.model().orElse("-")
          + ", apiKey=" + apiKeyEnv.map(v -> "<from " + v + ">").orElse("<none>") + ", timeout=" + c.timeout() + "]";
    }
  }

  /** Listwise re-ranking by the chat model or route {@code model}. */
  public record Llm(String name, String path, String model, LlmRerankerConfig config) implements Entry {
    public Llm {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(config, "config");
    }
  }

  public RerankersConfig {
    entries = List.copyOf(entries);
  }

  /** Binds the list {@code key} of {@code parent} without chat models: an {@code llm} entry is refused. */
  public static RerankersConfig from(ConfigSection parent, String key) {
    return from(parent, key, LlmConfig.NONE);
  }

  /**
   * Binds the list {@code key} of {@code parent} ({@code rerankers} of the root); an {@code llm}
   * entry's model must be a model or route of {@code llm}.
   */
  public static RerankersConfig from(ConfigSection parent, String key, LlmConfig llm) {
    List<Entry> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ConfigSection s : parent.sections(key)) {
      String name = s.text("name").orElseThrow(() -> s.invalid("name", "required: the name searches use"));
      if (!NAME.matcher(name).matches()) {
        throw s.invalid("name", "expected letters, digits, '.', '_' or '-' (1..64, starting with a letter or digit), got \""
            + name + "\"");
      }
      if (EmbeddingModels.find(name).isPresent()) {
        throw s.invalid("name", "\"" + name + "\" is an embedding model's id, which is already a re-ranker; choose another name");
      }
      if (!names.add(name)) {
        throw s.invalid("name", "\"" + name + "\" is declared twice");
      }
      String kind = s.choice("kind", KINDS).orElseThrow(() -> s.invalid("kind", "required: one of " + String.join(", ", KINDS)));
      Entry e = switch (kind) {
        case "cross_encoder" -> crossEncoder(s, name);
        case "llm" -> llm(s, name, llm);
        default -> remote(s, name, kind);
      };
      s.done();
      out.add(e);
    }
    return new RerankersConfig(out);
  }

  private static CrossEncoder crossEncoder(ConfigSection s, String name) {
    CrossEncoderConfig d = CrossEncoderConfig.of(java.nio.file.Path.of("model.onnx"), java.nio.file.Path.of("tokenizer.json"));
    var model = s.path("model").orElseThrow(() -> s.invalid("model", "required: the cross-encoder's ONNX file"));
    var tokenizer = s.path("tokenizer").orElseThrow(() -> s.invalid("tokenizer", "required: its tokenizer.json"));
    int maxTokens = s.integer("max_tokens", 8, 8192).orElse(d.maxTokens());
    int batch = s.integer("batch_size", 1, 1024).orElse(d.batchSize());
    int threads = s.integer("threads", 1, 64).orElse(d.intraOpThreads());
    return new CrossEncoder(name, s.path(), new CrossEncoderConfig(model, tokenizer, maxTokens, batch, threads));
  }

  private static Llm llm(ConfigSection s, String name, LlmConfig llm) {
    String model = s.text("model").orElseThrow(() -> s.invalid("model", "required: a model or route of section llm"));
    if (llm.model(model).isEmpty() && llm.route(model).isEmpty()) {
      throw s.invalid("model", "\"" + model + "\" is not a model or route of section llm; "
          + (model.equals(LlmConfig.EXTRACTIVE) ? "the extractive answerer cannot rank; " : "")
          + "the models are " + llm.models().stream().map(m -> m.name()).toList()
          + " and the routes " + llm.routes().stream().map(r -> r.name()).toList());
    }
    LlmRerankerConfig d = LlmRerankerConfig.defaults();
    int depth = s.integer("depth", 1, LlmRerankerConfig.MAX_DEPTH).orElse(d.depth());
    int window = s.integer("window", 2, LlmRerankerConfig.MAX_DEPTH).orElse(d.window());
    int step = s.integer("step", 1, window).orElse(Math.max(1, window / 2));
    int maxChars = s.integer("max_chars", 16, 20_000).orElse(d.maxChars());
    OptionalInt maxTokens = s.integer("max_tokens", 1, 8192).map(OptionalInt::of).orElse(OptionalInt.empty());
    Duration timeout = s.duration("timeout", Duration.ofMillis(1), Duration.ofMinutes(2)).orElse(d.timeout());
    return new Llm(name, s.path(), model, new LlmRerankerConfig(depth, window, step, maxChars, maxTokens, timeout));
  }

  private static Remote remote(ConfigSection s, String name, String kind) {
    RerankApi api = RerankApi.valueOf(kind.toUpperCase(Locale.ROOT));
    String url = s.text("url").orElseThrow(() -> s.invalid("url", "required: the full URL of the /rerank route"));
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw s.invalid("url", "not a URL: " + e.getReason() + ", got \"" + url + "\"");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw s.invalid("url", "expected an http(s)://host/... URL, got \"" + url + "\"");
    }
    Optional<String> model = s.text("model");
    if (api != RerankApi.TEI && model.isEmpty()) {
      throw s.invalid("model", "required for kind " + kind + ": the model the API should run");
    }
    Optional<String> keyEnv = s.text("api_key_env");
    Optional<String> key = Optional.empty();
    if (keyEnv.isPresent()) {
      key = s.variable(keyEnv.get());
      if (key.isEmpty()) {
        throw s.invalid("api_key_env", "the variable " + keyEnv.get() + " is not set");
      }
    }
    Duration timeout = s.duration("timeout", Duration.ofMillis(1), Duration.ofMinutes(1)).orElse(DEFAULT_TIMEOUT);
    try {
      return new Remote(name, s.path(), new RemoteRerankerConfig(api, uri, key, model, timeout), keyEnv);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(s.path() + ": " + e.getMessage(), e);
    }
  }
}
