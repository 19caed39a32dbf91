package dev.quarry.runtime.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.chat.ToolSpec;
import dev.quarry.runtime.retrieve.PassageRetriever;
import dev.quarry.runtime.retrieve.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in {@code search} tool: hybrid search over collections of the caller's tenant (the ones
 * the model names, else the request's), returning passages the answer can cite.
 */
public final class SearchTool implements Tool {

  public static final String NAME = "search";
  public static final int MAX_K = 20;
  static final String SCHEMA = """
      {"type":"object","properties":{
        "query":{"type":"string","minLength":1,"maxLength":2000,"description":"what to search for"},
        "collections":{"type":"array","items":{"type":"string","minLength":1},"maxItems":8,
          "description":"collections to search; the request's collections when absent"},
        "k":{"type":"integer","minimum":1,"maximum":%d,"description":"passages to return (default 5)"}},
       "required":["query"],"additionalProperties":false}""".formatted(MAX_K);
  public static final ToolSpec SPEC = new ToolSpec(NAME, "Search the caller's document collections; returns "
      + "numbered passages to cite.", SCHEMA);

  private final TenantSources sources;
  private final PassageRetriever retriever;

  public SearchTool(TenantSources sources, PassageRetriever retriever) {
    this.sources = Objects.requireNonNull(sources, "sources");
    this.retriever = Objects.requireNonNull(retriever, "retriever");
  }

  @Override
  public ToolSpec spec() {
    return SPEC;
  }

  @Override
  public ToolOutput call(JsonNode arguments, Instant deadline) {
    List<Source> chosen = new ArrayList<>();
    JsonNode names = arguments.path("collections");
    if (names.isArray() && !names.isEmpty()) {
      Set<String> unique = new LinkedHashSet<>();
      names.forEach(n -> unique.add(n.asText()));
      for (String name : unique) {
        chosen.add(sources.find(name).orElseThrow(() -> new ToolException("there is no collection named " + name)));
      }
    } else {
      chosen.addAll(sources.defaults());
    }
    if (chosen.isEmpty()) {
      throw new ToolException("no collection to search: name one in collections");
    }
    int k = arguments.path("k").asInt(5);
    return ToolOutput.passages(retriever.retrieve(arguments.path("query").asText(), chosen, k, Optional.empty(),
        deadline).chunks());
  }
}
