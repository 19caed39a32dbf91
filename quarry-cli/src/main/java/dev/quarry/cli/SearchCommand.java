package dev.quarry.cli;

import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.FusionMethod;
import dev.quarry.core.search.Grouping;
import dev.quarry.core.search.Hit;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.SearchResponse;
import dev.quarry.engine.Quarry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "search", description = "Search a collection.")
final class SearchCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "QUERY", description = "What to search for.")
  String query;

  @Option(names = {"-c", "--collection"}, required = true, paramLabel = "NAME")
  String collection;

  @Option(names = "--mode", defaultValue = "hybrid", description = "lexical, vector or hybrid (default).")
  SearchMode mode;

  @Option(names = {"-k", "--k"}, defaultValue = "10", description = "Hits to return (default 10).")
  int k;

  @Option(names = "--offset", defaultValue = "0", description = "Hits to skip, for paging (default 0).")
  int offset;

  @Option(names = "--filter", paramLabel = "EXPR",
      description = "Metadata filter: FIELD=VALUE, FIELD=A|B, FIELD!=VALUE, FIELD>=X, FIELD<X ... Repeat to require several.")
  List<String> filters = new ArrayList<>();

  @Option(names = "--fusion", description = "Hybrid fusion: rrf or weighted (default: Quarry's default, see docs/evaluation.md).")
  FusionMethod fusion;

  @Option(names = "--vector-weight", description = "Share of the vector list in fusion, 0..1 (default: Quarry's default).")
  Double vectorWeight;

  @Option(names = "--per", defaultValue = "document", description = "Hits per document (best chunk, default) or per chunk.")
  Grouping grouping;

  @Option(names = "--candidates", defaultValue = "100", description = "Chunks each retriever fetches before fusion (default 100).")
  int candidates;

  @Option(names = "--complete",
      description = "Score completion (weighted and dbsf fusion): a hit one retriever missed gets its real score there "
          + "instead of the list's floor (off by default; see docs/evaluation.md).")
  boolean complete;

  @Option(names = "--feedback", paramLabel = "off|DOCS:WEIGHT",
      description = "Vector pseudo-relevance feedback (vector and hybrid): the best DOCS results' vectors refine the "
          + "query vector for a second vector search, e.g. 5:1.0 (off by default; see docs/evaluation.md).")
  String feedback;

  @Option(names = "--explain", description = "Show each retriever's rank and score, and the fused score.")
  boolean explain;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Mixin DataDirOption data;

  @Override
  public Integer call() {
    SearchRequest request = new SearchRequest(query, mode, k, offset, FilterExpression.parseAll(filters),
        new Fusion(fusion == null ? SearchRequest.DEFAULT_FUSION.method() : fusion,
            vectorWeight == null ? SearchRequest.DEFAULT_FUSION.vectorWeight() : vectorWeight,
            SearchRequest.DEFAULT_FUSION.rankConstant()).withComplete(complete), grouping, explain, candidates)
        .withFeedback(feedback == null ? Optional.empty() : FeedbackOption.parse("--feedback", feedback));
    try (DataDirOption.Session session = data.openForReading()) {
      Quarry quarry = session.quarry();
      var c = quarry.get(collection);
      long t0 = System.nanoTime();
      SearchResponse response = c.search(request);
      double ms = (System.nanoTime() - t0) / 1e6;
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("collection", collection);
        m.put("mode", mode.name().toLowerCase(Locale.ROOT));
        m.put("generation", response.generation());
        m.put("took_ms", ms);
        m.put("hits", response.hits().stream().map(h -> Json.hit(h, true)).toList());
        System.out.println(Json.write(m));
      } else {
        print(response, ms);
      }
    }
    return 0;
  }

  private void print(SearchResponse response, double ms) {
    if (response.hits().isEmpty()) {
      System.out.println("no hits");
    }
    int rank = offset;
    for (Hit h : response.hits()) {
      rank++;
      var c = h.chunk();
      String where = c.chunkId() + (c.page() > 0 ? " p." + c.page() : "")
          + (c.headingPath().isEmpty() ? "" : " § " + String.join(" > ", c.headingPath()));
      System.out.printf(Locale.ROOT, "%2d. %.4f  %s%s%n", rank, h.score(), where, c.title().isBlank() ? "" : "  " + c.title());
      System.out.println("    " + h.snippet().replace('\n', ' '));
      h.explanation().ifPresent(e -> {
        StringBuilder sb = new StringBuilder("    explain: " + e.fusion());
        e.contributions().forEach(p -> sb.append(p.completed()
            ? String.format(Locale.ROOT, "; %s completed score %.4f", p.retriever(), p.score())
            : String.format(Locale.ROOT, "; %s rank %d score %.4f", p.retriever(), p.rank(), p.score())));
        System.out.println(sb);
      });
    }
    System.out.printf(Locale.ROOT, "(%d hits, %.1f ms, generation %d)%n", response.hits().size(), ms, response.generation());
  }
}
