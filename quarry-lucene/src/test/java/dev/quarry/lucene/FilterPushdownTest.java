package dev.quarry.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.index.Filter;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.RetrievalQuery;
import dev.quarry.core.search.ScoredChunkRef;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 1000 single-chunk documents, numbered 0..999, whose metadata is a function of their number. Each
 * filter below matches 5% of them; every retriever asked for 10 must return 10 matching chunks,
 * which post-filtering an unfiltered top 10 (or top 100) could not.
 */
class FilterPushdownTest {

  private static final int DOCS = 1000;
  private static final int DIM = 16;
  private static final Instant EPOCH = Instant.parse("2020-01-01T00:00:00Z");

  @TempDir static Path dir;

  private static LuceneChunkIndex index;
  private static float[][] vectors;

  @BeforeAll
  static void build() {
    index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM));
    vectors = Fixtures.units(new Random(3), DOCS, DIM);
    for (int i = 0; i < DOCS; i++) {
      Map<String, MetadataValue> meta = new HashMap<>();
      meta.put("lang", new MetadataValue.Text(i % 20 == 0 ? "de" : i % 40 == 1 ? "fr" : "en"));
      meta.put("tier", new MetadataValue.Text(i % 10 == 3 ? "gold" : "plain"));
      meta.put("score", new MetadataValue.Number(i));
      meta.put("published", new MetadataValue.Date(EPOCH.plus(Duration.ofHours(i))));
      meta.put("tags", new MetadataValue.TextList(
          i % 20 == 7 ? List.of("common", "rare") : i % 40 == 2 ? List.of("blue", "common") : List.of("common")));
      // Words repeated more in low-numbered documents, so an unfiltered top 10 is documents 0..9.
      String text = "shared ".repeat(1 + (DOCS - i) / 50) + "document number " + i;
      Document doc = Document.of("doc-" + i, "", text, new Metadata(meta));
      index.upsert(doc, Fixtures.chunks(doc), new float[][] {vectors[i]});
    }
    index.refresh();
  }

  @AfterAll
  static void close() {
    index.close();
  }

  private static Instant hour(int i) {
    return EPOCH.plus(Duration.ofHours(i));
  }

  static Stream<Arguments> filters() {
    return Stream.of(
        Arguments.of("term", new Filter.Term("lang", "de"), (IntPredicate) i -> i % 20 == 0),
        Arguments.of("list contains", new Filter.Term("tags", "rare"), (IntPredicate) i -> i % 20 == 7),
        Arguments.of("number range", new Filter.Range("score",
            new MetadataValue.Number(300), new MetadataValue.Number(350), true, false), (IntPredicate) i -> i >= 300 && i < 350),
        Arguments.of("date range", new Filter.Range("published",
            new MetadataValue.Date(hour(600)), new MetadataValue.Date(hour(650)), false, true), (IntPredicate) i -> i > 600 && i <= 650),
        Arguments.of("all of", new Filter.AllOf(List.of(new Filter.Term("tier", "gold"),
            new Filter.Range("score", null, new MetadataValue.Number(500), true, false))), (IntPredicate) i -> i % 10 == 3 && i < 500),
        Arguments.of("any of", new Filter.AnyOf(List.of(new Filter.Term("lang", "fr"), new Filter.Term("tags", "blue"))),
            (IntPredicate) i -> i % 40 == 1 || i % 40 == 2),
        Arguments.of("in, numbers by value and as text", new Filter.In("score", IntStream.range(0, 50)
            .mapToObj(k -> k % 2 == 0 ? (MetadataValue) new MetadataValue.Number(k * 20.0) : new MetadataValue.Text(k * 20 + ""))
            .toList()), (IntPredicate) i -> i % 20 == 0),
        Arguments.of("not", new Filter.Not(new Filter.In("lang", List.of(new MetadataValue.Text("en"), new MetadataValue.Text("fr")))),
            (IntPredicate) i -> i % 20 == 0));
  }

  private static int number(ScoredChunkRef ref) {
    return Integer.parseInt(ref.documentId().substring("doc-".length()));
  }

  private static void assertAllMatch(String name, IntPredicate matches, RankedList list, int expected) {
    assertEquals(expected, list.items().size(), name + ": " + list.items());
    for (ScoredChunkRef ref : list.items()) {
      assertTrue(matches.test(number(ref)), name + " returned non-matching " + ref);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filters")
  void filtersSelectFivePercent(String name, Filter filter, IntPredicate matches) {
    long expected = IntStream.range(0, DOCS).filter(matches).count();
    assertEquals(50, expected, "fixture: " + name + " should select 5%");
    RankedList all = index.lexical().retrieve(new RetrievalQuery("document", null, Optional.of(filter)), DOCS);
    assertAllMatch(name, matches, all, 50);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filters")
  void lexicalTopTenIsComputedAfterFiltering(String name, Filter filter, IntPredicate matches) {
    RankedList unfiltered = index.lexical().retrieve(new RetrievalQuery("shared", null, Optional.empty()), 10);
    assertTrue(unfiltered.items().stream().filter(r -> matches.test(number(r))).count() < 10, "fixture");
    RankedList hits = index.lexical().retrieve(new RetrievalQuery("shared", null, Optional.of(filter)), 10);
    assertAllMatch(name, matches, hits, 10);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filters")
  void vectorTopTenIsComputedAfterFiltering(String name, Filter filter, IntPredicate matches) {
    int probe = IntStream.range(0, DOCS).filter(matches.negate()).findFirst().orElseThrow();
    RetrievalQuery query = new RetrievalQuery("", vectors[probe], Optional.of(filter));
    RankedList exact = index.exactVector().retrieve(query, 10);
    assertAllMatch(name + " exact", matches, exact, 10);
    // efSearch 300 > 50 matching chunks: Lucene scans the matches exactly.
    assertEquals(exact.items(), index.vector(300).retrieve(query, 10).items(), name);
    // the default efSearch (100) also exceeds the 50 matches
    assertEquals(exact.items(), index.vector().retrieve(query, 10).items(), name);
    // efSearch 10 < 50: the filtered HNSW graph search itself.
    RankedList graph = index.vector(10).retrieve(query, 10);
    assertAllMatch(name + " graph", matches, graph, 10);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mismatches")
  void filtersOnAbsentOrOtherlyTypedValuesMatchNothing(String name, Filter filter) {
    assertTrue(index.lexical().retrieve(new RetrievalQuery("document", null, Optional.of(filter)), 10).items().isEmpty(), name);
    assertTrue(index.vector().retrieve(new RetrievalQuery("", vectors[0], Optional.of(filter)), 10).items().isEmpty(), name);
  }

  static Stream<Arguments> mismatches() {
    return Stream.of(
        Arguments.of("number range on a text key", new Filter.Range("lang", new MetadataValue.Number(0), null, true, true)),
        Arguments.of("date range on a number key", new Filter.Range("score", new MetadataValue.Date(EPOCH), null, true, true)),
        Arguments.of("term on a number key, no such value", new Filter.Term("score", "5.5")),
        Arguments.of("number term on a text key", new Filter.Term("lang", new MetadataValue.Number(5))),
        Arguments.of("boolean term on a number key", new Filter.Term("score", new MetadataValue.Bool(true))),
        Arguments.of("term on a missing key", new Filter.Term("nope", "de")),
        Arguments.of("empty exclusive range", new Filter.Range("score",
            new MetadataValue.Number(5), new MetadataValue.Number(5), false, true)),
        Arguments.of("system field names are not metadata", new Filter.Term("_doc", "doc-1")));
  }
}
