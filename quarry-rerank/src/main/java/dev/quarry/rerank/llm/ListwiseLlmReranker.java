package dev.quarry.rerank.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.chat.ResponseFormat;
import dev.quarry.core.error.BudgetExceededException;
import dev.quarry.core.observe.RequestDeadline;
import dev.quarry.core.search.RerankCandidate;
import dev.quarry.core.search.RerankOutcome;
import dev.quarry.core.search.Reranker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Listwise re-ranking by a generative model (RankGPT-style): the prompt lists the query and the
 * best candidates, numbered, each cut to {@link LlmRerankerConfig#maxChars()}, and asks for their
 * numbers most relevant first, as JSON {@code {"ranking": [3, 1, 2]}}; a model with the
 * {@code json_schema} capability is given that schema as its response format, any other is asked in
 * the prompt and its text is read leniently ({@link #parsePermutation}).
 *
 * <p>Decision: one window by default (depth 20 = window 20): one call, the least latency and cost.
 * A depth beyond the window slides windows of {@code window} candidates from the bottom of the head
 * to its top, {@code step} apart, each call re-ordering its window in place, so strong candidates
 * bubble up (RankGPT's sliding window); it costs {@code ceil((depth - window) / step) + 1} calls, in
 * sequence. Candidates past {@code depth} keep their fused order below the ranked ones.
 *
 * <p>Scores: a candidate's final position {@code i} of {@code n} becomes the score {@code n - i}, a
 * linear rank score that RerankBlend normalises and blends with the fused score.
 *
 * <p>Budget: every call of one re-ranking shares one deadline, {@code timeout} from the start (or
 * sooner, when the request it serves must be done sooner: {@link RequestDeadline}), set as each
 * {@link ChatRequest}'s deadline. A model error, a deadline passed, a refused budget
 * ({@link BudgetExceededException} from the metered model) or an answer naming no candidate is an
 * {@link RerankOutcome.Unavailable} saying which: search keeps the fused order, marked degraded.
 * Thread-safe.
 */
public final class ListwiseLlmReranker implements Reranker {

  /** Strict about trailing text: {@code [2] > [1]} is not the JSON array {@code [2]}. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  /** The answer's JSON schema, given to models that support structured output. */
  static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"ranking\":{\"type\":\"array\","
      + "\"items\":{\"type\":\"integer\"}}},\"required\":[\"ranking\"],\"additionalProperties\":false}";

  static final String SYSTEM = "You are a search relevance judge. You rank passages by how well they answer a "
      + "search query, most relevant first.";

  private final ChatModel model;
  private final LlmRerankerConfig config;
  private final Clock clock;

  public ListwiseLlmReranker(ChatModel model, LlmRerankerConfig config, Clock clock) {
    this.model = Objects.requireNonNull(model, "model");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public ListwiseLlmReranker(ChatModel model, LlmRerankerConfig config) {
    this(model, config, Clock.systemUTC());
  }

  @Override
  public RerankOutcome score(String query, List<RerankCandidate> candidates) {
    int n = candidates.size();
    if (n == 0) {
      return new RerankOutcome.Scored(List.of());
    }
    int head = Math.min(n, config.depth());
    // order[i]: the index (in candidates) of the candidate now at position i
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (head > 1) {
      Instant start0 = clock.instant();
      Duration budget = RequestDeadline.earliest(config.timeout(), start0);
      Instant deadline = start0.plus(budget);
      int end = head;
      while (true) {
        int start = Math.max(0, end - config.window());
        Optional<String> failed = rankWindow(query, candidates, order, start, end, deadline, budget);
        if (failed.isPresent()) {
          return new RerankOutcome.Unavailable("llm re-ranker on model '" + model.info().name() + "' " + failed.get());
        }
        if (start == 0) {
          break;
        }
        end -= config.step();
      }
    }
    Double[] scores = new Double[n];
    for (int i = 0; i < n; i++) {
      scores[order[i]] = (double) (n - i);
    }
    return new RerankOutcome.Scored(List.of(scores));
  }

  /** Re-orders {@code order[start, end)} by one call; empty, or what went wrong. */
  private Optional<String> rankWindow(String query, List<RerankCandidate> candidates, int[] order, int start, int end,
      Instant deadline, Duration budget) {
    if (!clock.instant().isBefore(deadline)) {
      return Optional.of(timedOut(budget));
    }
    int size = end - start;
    List<String> texts = new ArrayList<>(size);
    for (int i = start; i < end; i++) {
      texts.add(candidates.get(order[i]).text());
    }
    boolean structured = model.info().capabilities().contains(ModelCapability.JSON_SCHEMA);
    ChatRequest request = new ChatRequest(List.of(ChatMessage.system(SYSTEM), ChatMessage.user(prompt(query, texts))),
        OptionalInt.of(config.answerTokens(size)), OptionalDouble.of(0.0), List.of(),
        structured ? Optional.of(new ResponseFormat("ranking", SCHEMA, true)) : Optional.empty(), deadline);
    ChatResponse response;
    try {
      response = model.generate(request, ChatStream.IGNORE);
    } catch (BudgetExceededException e) {
      return Optional.of("refused by the tenant's budget: " + e.getMessage());
    } catch (RuntimeException e) {
      if (!clock.instant().isBefore(deadline)) {
        return Optional.of(timedOut(budget));
      }
      return Optional.of("failed: " + e.getMessage());
    }
    Optional<int[]> permutation = parsePermutation(response.text(), size);
    if (permutation.isEmpty()) {
      return Optional.of("answered no ranking of passages 1.." + size + ": \"" + abbreviate(response.text(), 120) + "\"");
    }
    int[] window = java.util.Arrays.copyOfRange(order, start, end);
    int[] p = permutation.get();
    for (int i = 0; i < size; i++) {
      order[start + i] = window[p[i]];
    }
    return Optional.empty();
  }

  private String timedOut(Duration budget) {
    return "timed out after " + budget.toMillis() + " ms"
        + (budget.equals(config.timeout()) ? "" : " (what was left of the request's deadline)");
  }

  /** The user message: the query, then each passage as {@code [i] text}, then what to answer. */
  String prompt(String query, List<String> texts) {
    StringBuilder out = new StringBuilder(256 + texts.size() * Math.min(config.maxChars(), 1000));
    out.append("Search query: ").append(query.strip()).append("\n\n")
        .append("Passages:\n");
    for (int i = 0; i < texts.size(); i++) {
      out.append('[').append(i + 1).append("] ").append(truncate(texts.get(i), config.maxChars()).replaceAll("\\s+", " "))
          .append('\n');
    }
    out.append("\nRank the ").append(texts.size()).append(" passages above by relevance to the search query, most ")
        .append("relevant first. Answer with JSON only, of the form {\"ranking\": [2, 1, 3]}, listing every passage ")
        .append("number from 1 to ").append(texts.size()).append(" exactly once.");
    return out.toString();
  }

  /** {@code text} cut to at most {@code max} characters, at a word boundary when one is near. */
  static String truncate(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int cut = max - 1;
    int space = text.lastIndexOf(' ', cut);
    if (space > max / 2) {
      cut = space;
    }
    return text.substring(0, cut).strip() + "…";
  }

  private static String abbreviate(String text, int max) {
    String flat = text.replaceAll("\\s+", " ").strip();
    return flat.length() <= max ? flat : flat.substring(0, max) + "…";
  }

  /**
   * The permutation of {@code 0..size-1} an answer names, best first: from a JSON object's
   * {@code ranking} array, or a bare JSON array, or else every number in the text in order
   * ({@code [2] > [1] > [3]}, prose). Numbers are 1-based passage numbers; those out of range and
   * repeats are skipped, and passages the answer does not name are appended in their current
   * order. Empty when the answer names no passage at all.
   */
  static Optional<int[]> parsePermutation(String answer, int size) {
    List<Long> numbers = jsonRanking(answer).orElseGet(() -> numbersIn(answer));
    boolean[] seen = new boolean[size];
    int[] out = new int[size];
    int filled = 0;
    for (long number : numbers) {
      long i = number - 1;
      if (i >= 0 && i < size && !seen[(int) i]) {
        seen[(int) i] = true;
        out[filled++] = (int) i;
      }
    }
    if (filled == 0) {
      return Optional.empty();
    }
    for (int i = 0; i < size; i++) {
      if (!seen[i]) {
        out[filled++] = i;
      }
    }
    return Optional.of(out);
  }

  /** The numbers of the answer's JSON ranking, when the answer (or its outermost braces) is JSON. */
  private static Optional<List<Long>> jsonRanking(String answer) {
    String text = answer.strip();
    int open = text.indexOf('{');
    int close = text.lastIndexOf('}');
    JsonNode node = null;
    if (open >= 0 && close > open) {
      node = readJson(text.substring(open, close + 1));
      node = node == null ? null : node.get("ranking");
    } else if (text.startsWith("[")) {
      node = readJson(text);
    }
    if (node == null || !node.isArray()) {
      return Optional.empty();
    }
    List<Long> out = new ArrayList<>();
    for (JsonNode item : node) {
      if (item.canConvertToLong()) {
        out.add(item.asLong());
      } else if (item.isTextual()) {
        Matcher m = NUMBER.matcher(item.asText());
        if (m.find()) {
          out.add(parse(m.group()));
        }
      }
    }
    return Optional.of(out);
  }

  private static JsonNode readJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static List<Long> numbersIn(String text) {
    List<Long> out = new ArrayList<>();
    Matcher m = NUMBER.matcher(text);
    while (m.find()) {
      out.add(parse(m.group()));
    }
    return out;
  }

  private static long parse(String digits) {
    return digits.length() > 9 ? Long.MAX_VALUE : Long.parseLong(digits);
  }

  /** The timeout every re-ranking has. */
  public Duration timeout() {
    return config.timeout();
  }
}
