package dev.quarry.runtime.structured;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.runtime.assemble.Context;
import dev.quarry.runtime.cite.Citation;
import dev.quarry.runtime.cite.Citer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The citations of a structured answer: the markers ({@code [n]}) inside its JSON string values,
 * mapped by the citer as in a text answer, each passage once, by first appearance. The answer is
 * never changed (a text answer loses its markers to unknown passages; in JSON that would alter
 * what was validated), and numbers outside strings ({@code [1, 2]} as an array) are not markers.
 */
public final class JsonCitations {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonCitations() {}

  public static List<Citation> of(String json, Context context, Citer citer) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a structured answer is validated JSON", e);
    }
    Map<Integer, Citation> out = new LinkedHashMap<>();
    List<JsonNode> pending = new ArrayList<>();
    pending.add(root);
    while (!pending.isEmpty()) {
      JsonNode n = pending.removeFirst();
      if (n.isTextual()) {
        if (n.textValue().indexOf('[') >= 0) {
          for (Citation c : citer.cite(n.textValue(), context).citations()) {
            out.putIfAbsent(c.id(), c);
          }
        }
      } else if (n.isContainerNode()) {
        List<JsonNode> children = new ArrayList<>();
        n.forEach(children::add);
        pending.addAll(0, children);
      }
    }
    return List.copyOf(out.values());
  }
}
