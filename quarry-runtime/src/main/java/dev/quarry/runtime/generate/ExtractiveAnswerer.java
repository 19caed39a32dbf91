package dev.quarry.runtime.generate;

import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.FinishReason;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.InputKind;
import dev.quarry.runtime.assemble.Passage;
import dev.quarry.runtime.assemble.TokenCount;
import dev.quarry.runtime.text.Sentences;
import dev.quarry.runtime.text.Span;
import dev.quarry.runtime.text.Terms;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Quarry's own answerer, for when no language model is configured ({@code "model": "extractive"}):
 * it answers with sentences of the passages themselves, each followed by its passage's marker.
 *
 * <ol>
 *   <li>Candidates: the passages' sentences of at least {@value #MIN_WORDS} words. When there are
 *       more than {@value #CANDIDATES}, a lexical pre-selection keeps {@value #CANDIDATES}: first
 *       the sentence of each passage (in rank order) sharing most content words with the question,
 *       then the others sharing most (ties: better-ranked passage, earlier sentence). Embedding is
 *       nearly all of the answerer's cost, so this bounds it; every passage keeps a candidate.
 *   <li>Score: {@value #SIMILARITY_WEIGHT} times the cosine similarity of the sentence and the
 *       question under the passage's collection's embedding model (the question as a query, the
 *       sentence, cut to its first {@value #EMBED_WORDS} words, as a passage; all candidates of a
 *       collection in one call) plus {@value #LEXICAL_WEIGHT} times the share of the question's
 *       content words the sentence holds.
 *   <li>Selection: the best sentence of the best-ranked passage (retrieval's top hit) first, so the
 *       answer's first citation is that passage; then best score first; a sentence whose embedding is more than {@value #REDUNDANT}
 *       similar to one already chosen, or whose content words overlap one's by {@value
 *       #REDUNDANT_TERMS} (Jaccard), is skipped as redundant; stop at the length budget
 *       ({@code max_tokens} words when the caller sets it, else the configured default), always
 *       keeping the best sentence.
 *   <li>Order: by passage rank, then by position in the passage, so sentences of one passage read
 *       as they were written. A sentence's own bracketed numbers (a paper's references, {@code [2]})
 *       are dropped: they would read as markers citing other passages.
 * </ol>
 *
 * Tokens are words ({@link TokenCount#WORDS}); the answer costs nothing.
 */
public final class ExtractiveAnswerer implements Generator {

  public static final String NAME = "extractive";
  /** The answer when the context holds no passage at all. */
  public static final String NO_ANSWER = "The searched collections hold nothing that answers this question.";

  static final int MIN_WORDS = 3;
  /** A bracketed list of numbers in a passage's own text, with the space before it. */
  private static final Pattern OWN_MARKER = Pattern.compile("\\s*\\[\\d{1,4}(?:\\s*[,\u2013-]\\s*\\d{1,4})*\\]");
  /**
   * Sentences embedded per answer at most; with 5 passages, the best of the first 4. Chosen with
   * {@link #EMBED_WORDS} on SciFact's 809 train claims (docs/benchmarks.md, chat-extractive): of 6 x
   * 32, 4 x 24 and 3 x 16 words, the first citation was as often relevant as retrieval's top hit
   * with each (656 of 809: the answer opens with the top passage), and 4 x 24 cited a relevant
   * document most often (742, against 737 and 731) for 24% less CPU than 6 x 32 (33.9 against 44.7
   * CPU-ms per chat; 3 x 16: 32.7).
   */
  static final int CANDIDATES = 4;
  /** Words of a sentence given to the embedding model; a longer one is judged by its start. */
  static final int EMBED_WORDS = 24;
  static final double SIMILARITY_WEIGHT = 0.7;
  static final double LEXICAL_WEIGHT = 0.3;
  static final double REDUNDANT = 0.92;
  static final double REDUNDANT_TERMS = 0.6;

  private final int defaultWords;

  /** @param defaultWords the answer's length budget in words when a request sets no {@code max_tokens} */
  public ExtractiveAnswerer(int defaultWords) {
    if (defaultWords < 1) {
      throw new IllegalArgumentException("the extractive answer's length must be at least 1 word, got: " + defaultWords);
    }
    this.defaultWords = defaultWords;
  }

  private static final class Candidate {
    final Passage passage;
    final Span span;
    final String text;
    final Set<String> terms;
    final double lexical;
    final int words;
    float[] vector;
    double score;

    Candidate(Passage passage, Span span, String text, Set<String> terms, double lexical) {
      this.passage = passage;
      this.span = span;
      this.text = text;
      this.terms = terms;
      this.lexical = lexical;
      this.words = TokenCount.WORDS.count(text);
    }
  }

  @Override
  public Generation generate(GenerationInput in, ChatStream stream) {
    int input = TokenCount.WORDS.count(in.question())
        + in.context().passages().stream().mapToInt(p -> TokenCount.WORDS.count(p.chunk().text())).sum();
    List<Candidate> chosen = select(in);
    StringBuilder text = new StringBuilder();
    if (chosen.isEmpty()) {
      text.append(NO_ANSWER);
      stream.onDelta(NO_ANSWER);
    }
    for (Candidate c : chosen) {
      String piece = (text.isEmpty() ? "" : " ") + withoutMarkers(c.text) + " [" + c.passage.number() + "]";
      text.append(piece);
      stream.onDelta(piece);
    }
    String answer = text.toString();
    return new Generation(answer, FinishReason.STOP, new TokenUsage(input, TokenCount.WORDS.count(answer), 0, true),
        NAME, Optional.empty());
  }

  /**
   * The sentence without what would read as a citation marker ({@code [2]}, {@code [1, 3]}: a paper's
   * own reference numbers), which would otherwise cite the context's passage of that number.
   */
  static String withoutMarkers(String sentence) {
    return OWN_MARKER.matcher(sentence).replaceAll("");
  }

  private List<Candidate> select(GenerationInput in) {
    Set<String> question = Terms.content(in.question());
    List<Candidate> all = new ArrayList<>();
    for (Passage p : in.context().passages()) {
      String chunk = p.chunk().text();
      for (Span s : Sentences.split(chunk)) {
        String text = s.of(chunk);
        Candidate c = new Candidate(p, s, text, Terms.content(text), 0);
        if (c.words >= MIN_WORDS) {
          all.add(new Candidate(p, s, text, c.terms, Terms.coverage(question, c.terms)));
        }
      }
    }
    int best = all.stream().mapToInt(c -> c.passage.number()).min().orElse(0);
    all = preselect(all, CANDIDATES);
    score(in, all);
    all.sort(Comparator.comparingDouble((Candidate c) -> -c.score)
        .thenComparingInt(c -> c.passage.number()).thenComparingInt(c -> c.span.start()));
    int budget = in.maxTokens().orElse(defaultWords);
    List<Candidate> chosen = new ArrayList<>();
    int words = 0;
    // the answer opens with the best sentence of the best-ranked passage, so its first citation is
    // retrieval's top hit; the other sentences follow by score
    Candidate opening = all.stream().filter(c -> c.passage.number() == best).findFirst().orElse(null);
    if (opening != null) {
      chosen.add(opening);
      words += opening.words;
    }
    for (Candidate c : all) {
      if (c == opening || (!chosen.isEmpty() && (words + c.words > budget || redundant(c, chosen)))) {
        continue;
      }
      chosen.add(c);
      words += c.words;
    }
    chosen.sort(Comparator.comparingInt((Candidate c) -> c.passage.number()).thenComparingInt(c -> c.span.start()));
    return chosen;
  }

  /**
   * At most {@code limit} candidates: each passage's lexically best sentence (passages in rank
   * order), then the lexically best of the rest; ties go to the better-ranked passage, then the
   * earlier sentence. The best-ranked passage thus always keeps a candidate (the answer opens with it).
   */
  private static List<Candidate> preselect(List<Candidate> all, int limit) {
    if (all.size() <= limit) {
      return all;
    }
    List<Candidate> byLexical = new ArrayList<>(all);
    byLexical.sort(Comparator.comparingDouble((Candidate c) -> -c.lexical)
        .thenComparingInt(c -> c.passage.number()).thenComparingInt(c -> c.span.start()));
    Map<Integer, Candidate> firstOfPassage = new TreeMap<>();
    for (Candidate c : byLexical) {
      firstOfPassage.putIfAbsent(c.passage.number(), c);
    }
    Set<Candidate> kept = new LinkedHashSet<>();
    for (Candidate c : firstOfPassage.values()) {
      if (kept.size() < limit) {
        kept.add(c);
      }
    }
    for (Candidate c : byLexical) {
      if (kept.size() >= limit) {
        break;
      }
      kept.add(c);
    }
    return new ArrayList<>(kept);
  }

  /** The start of a sentence the embedding model is given: its first {@value #EMBED_WORDS} words. */
  static String embedded(String sentence) {
    int words = 0;
    boolean inWord = false;
    for (int i = 0; i < sentence.length(); i++) {
      boolean letter = !Character.isWhitespace(sentence.charAt(i));
      if (letter && !inWord && ++words > EMBED_WORDS) {
        return sentence.substring(0, i).stripTrailing();
      }
      inWord = letter;
    }
    return sentence;
  }

  /** Similarity under each collection's model; lexical overlap alone where no embedder is known. */
  private static void score(GenerationInput in, List<Candidate> candidates) {
    Map<String, List<Candidate>> byCollection = new LinkedHashMap<>();
    for (Candidate c : candidates) {
      byCollection.computeIfAbsent(c.passage.collection(), k -> new ArrayList<>()).add(c);
    }
    for (Map.Entry<String, List<Candidate>> e : byCollection.entrySet()) {
      Embedder embedder = in.embedders().get(e.getKey());
      List<Candidate> group = e.getValue();
      if (embedder == null) {
        group.forEach(c -> c.score = c.lexical);
        continue;
      }
      float[] q = embedder.embed(List.of(in.question()), InputKind.QUERY)[0];
      float[][] vectors = embedder.embed(group.stream().map(c -> embedded(c.text)).toList(), InputKind.DOCUMENT);
      for (int i = 0; i < group.size(); i++) {
        Candidate c = group.get(i);
        c.vector = vectors[i];
        c.score = SIMILARITY_WEIGHT * cosine(q, c.vector) + LEXICAL_WEIGHT * c.lexical;
      }
    }
  }

  private static boolean redundant(Candidate c, List<Candidate> chosen) {
    for (Candidate k : chosen) {
      if (Terms.jaccard(c.terms, k.terms) >= REDUNDANT_TERMS) {
        return true;
      }
      if (c.vector != null && k.vector != null && c.vector.length == k.vector.length
          && cosine(c.vector, k.vector) > REDUNDANT) {
        return true;
      }
    }
    return false;
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
