package dev.quarry.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.index.Filter;
import dev.quarry.core.search.RetrievalQuery;
import dev.quarry.core.search.ScoredChunkRef;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The contract between the index and the store-side matcher: for any filter, the documents the
 * Lucene query selects (through {@code documentIds}, the lexical retriever and the exact vector
 * retriever) are exactly those {@link Filter#matches} accepts on their metadata. Delete by filter
 * and erasure use both, on indexed documents and on those still in ingestion, so a disagreement
 * would leave a document behind or delete one too many.
 *
 * <p>The documents' values are drawn from a small pool mixing every type with its look-alikes
 * ({@code 2023}, {@code 2023.0}, {@code "2023"}, {@code "2023.0"}, booleans and their text, dates
 * and their text, a sub-millisecond date), so generated filters hit the cross-type rules often.
 */
class FilterContractTest {

  private static final int DOCS = 300;
  private static final int DIM = 8;
  private static final List<String> FIELDS = List.of("a", "b", "missing");
  private static final Instant DAY = Instant.parse("2024-05-01T00:00:00Z");

  /** Stored values, and (all but the list) values to match. */
  private static final List<MetadataValue> POOL = List.of(
      new MetadataValue.Text("2023"), new MetadataValue.Text("2023.0"), new MetadataValue.Text("42"),
      new MetadataValue.Text("x"), new MetadataValue.Text("true"), new MetadataValue.Text("2024-05-01T00:00:00Z"),
      new MetadataValue.Text("0.5"), new MetadataValue.Text(""),
      new MetadataValue.Number(2023), new MetadataValue.Number(2023.0), new MetadataValue.Number(42),
      new MetadataValue.Number(0.5), new MetadataValue.Number(-0.0), new MetadataValue.Number(new BigDecimal("4.2E+1")),
      new MetadataValue.Number(1e300),
      new MetadataValue.Bool(true), new MetadataValue.Bool(false),
      new MetadataValue.Date(DAY), new MetadataValue.Date(DAY.plusNanos(500_000)), new MetadataValue.Date(DAY.plusMillis(1)),
      new MetadataValue.Date(Instant.MAX));
  private static final MetadataValue LIST = new MetadataValue.TextList(List.of("42", "x", "2024-05-01T00:00:00Z"));

  private static Path dir;
  private static LuceneChunkIndex index;
  private static final Map<String, Metadata> METADATA = new LinkedHashMap<>();
  private static final float[] PROBE = Fixtures.unit(new Random(1), DIM);

  @BeforeContainer
  static void build() throws IOException {
    dir = Files.createTempDirectory("quarry-filter-contract");
    index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM));
    Random random = new Random(7);
    for (int i = 0; i < DOCS; i++) {
      Map<String, MetadataValue> values = new LinkedHashMap<>();
      for (String field : List.of("a", "b")) {
        int pick = random.nextInt(POOL.size() + 2);
        if (pick < POOL.size()) {
          values.put(field, POOL.get(pick));
        } else if (pick == POOL.size()) {
          values.put(field, LIST);
        } // else: the field is absent
      }
      Metadata metadata = new Metadata(values);
      Document doc = Document.of("d" + i, "", "common words " + i, metadata);
      index.upsert(doc, Fixtures.chunks(doc), new float[][] {Fixtures.unit(random, DIM)});
      METADATA.put(doc.id(), metadata);
    }
    index.refresh();
  }

  @AfterContainer
  static void close() throws IOException {
    index.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Property(tries = 300)
  void theIndexAndTheStoreSideMatcherSelectTheSameDocuments(@ForAll("filters") Filter filter) {
    TreeSet<String> expected = new TreeSet<>();
    METADATA.forEach((id, m) -> {
      if (filter.matches(m)) {
        expected.add(id);
      }
    });
    assertEquals(expected, new TreeSet<>(index.documentIds(filter, DOCS)), "documentIds: " + filter);
    RetrievalQuery lexical = new RetrievalQuery("common", null, Optional.of(filter));
    assertEquals(expected, ids(index.lexical().retrieve(lexical, DOCS).items()), "lexical: " + filter);
    RetrievalQuery vector = new RetrievalQuery("", PROBE, Optional.of(filter));
    assertEquals(expected, ids(index.exactVector().retrieve(vector, DOCS).items()), "exact vector: " + filter);
  }

  private static TreeSet<String> ids(List<ScoredChunkRef> refs) {
    TreeSet<String> out = new TreeSet<>();
    refs.forEach(r -> out.add(r.documentId()));
    return out;
  }

  @Provide
  Arbitrary<Filter> filters() {
    return filter(3);
  }

  private Arbitrary<Filter> filter(int depth) {
    Arbitrary<String> fields = Arbitraries.of(FIELDS);
    Arbitrary<MetadataValue> values = Arbitraries.of(POOL);
    Arbitrary<Filter> term = fields.flatMap(f -> values.map(v -> new Filter.Term(f, v)));
    Arbitrary<Filter> in = fields.flatMap(f -> values.list().ofMinSize(1).ofMaxSize(4).map(vs -> new Filter.In(f, vs)));
    Arbitrary<Filter> range = fields.flatMap(f -> Arbitraries.oneOf(numberBounds(), dateBounds()).flatMap(bounds ->
        Arbitraries.of(true, false).list().ofSize(2).map(inc -> new Filter.Range(f, bounds.get(0), bounds.get(1), inc.get(0), inc.get(1)))));
    if (depth == 0) {
      return Arbitraries.oneOf(term, in, range);
    }
    Arbitrary<Filter> inner = filter(depth - 1);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, term), net.jqwik.api.Tuple.of(2, in), net.jqwik.api.Tuple.of(2, range),
        net.jqwik.api.Tuple.of(2, inner.map(Filter.Not::new)),
        net.jqwik.api.Tuple.of(1, inner.list().ofMinSize(1).ofMaxSize(3).map(Filter.AllOf::new)),
        net.jqwik.api.Tuple.of(1, inner.list().ofMinSize(1).ofMaxSize(3).map(Filter.AnyOf::new)));
  }

  /** Two bounds, either possibly open (null), not both. */
  private static Arbitrary<List<MetadataValue>> numberBounds() {
    Arbitrary<MetadataValue> n = Arbitraries.of(0.0, 0.5, 42.0, 2023.0, 2024.0, -1.0)
        .map(d -> (MetadataValue) new MetadataValue.Number(d));
    return bounds(n);
  }

  private static Arbitrary<List<MetadataValue>> dateBounds() {
    Arbitrary<MetadataValue> d = Arbitraries.of(DAY, DAY.plusMillis(1), DAY.minusSeconds(1), Instant.MAX)
        .map(i -> (MetadataValue) new MetadataValue.Date(i));
    return bounds(d);
  }

  private static Arbitrary<List<MetadataValue>> bounds(Arbitrary<MetadataValue> values) {
    Arbitrary<MetadataValue> maybe = Arbitraries.oneOf(values, Arbitraries.just(null));
    return maybe.list().ofSize(2).filter(b -> b.get(0) != null || b.get(1) != null).map(b -> {
      List<MetadataValue> out = new ArrayList<>(b);
      return out;
    });
  }
}
