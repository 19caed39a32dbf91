package dev.quarry.server.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.experiment.TrafficSplit;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.evaluation.EvaluationSpec;
import dev.quarry.server.evaluation.RankingConfiguration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An experiment as {@code POST /v1/experiments} takes it: a {@code name}, a {@code collection} of
 * the caller's tenant, its {@code kind} ({@code ab}: each enrolled search is ranked by one arm, by
 * traffic share; {@code interleave}: two arms' rankings are merged by team draft), {@code assign_by}
 * ({@code user} or {@code session}: which id of a search assigns it) and 2-{@value #MAX_ARMS} {@code
 * arms}, each a {@code name}, a traffic {@code weight} (a positive number; shares are weights over
 * their sum; default 1) and a {@code configuration} (the fields of an evaluation's configuration:
 * {@link EvaluationSpec#ranking}).
 */
public record ExperimentSpec(String name, String collection, Kind kind, AssignBy assignBy, List<Arm> arms) {

  public static final int MAX_ARMS = 10;

  /** How arms take part in a search. */
  public enum Kind {
    AB, INTERLEAVE;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Which id of a search assigns it to an arm. */
  public enum AssignBy {
    USER, SESSION;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** An arm: its name, its traffic weight and how it ranks. */
  public record Arm(String name, double weight, RankingConfiguration configuration) {
    Map<String, Object> view() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("weight", weight);
      m.put("configuration", configuration.settings());
      return m;
    }
  }

  public ExperimentSpec {
    arms = List.copyOf(arms);
  }

  /** The arm named {@code name}. */
  public Arm arm(String name) {
    return arms.stream().filter(a -> a.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no arm '" + name + "'"));
  }

  /** The arms' traffic split. */
  public TrafficSplit split() {
    return new TrafficSplit(arms.stream().map(a -> new TrafficSplit.Share(a.name(), a.weight())).toList());
  }

  /** The arms as stored and shown: name, weight and configuration settings each. */
  public List<Map<String, Object>> armsView() {
    return arms.stream().map(Arm::view).toList();
  }

  /** Reads and checks a request body; errors point at the offending field. */
  public static ExperimentSpec parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ApiException.invalidAt("", "expected an object with name, collection and arms");
    }
    known(body, "", Set.of("name", "collection", "kind", "assign_by", "arms"));
    String name = text(body, "name", "");
    if (name.length() > 200) {
      throw ApiException.invalidAt("/name", "name is at most 200 characters, got " + name.length());
    }
    String collection = text(body, "collection", "");
    Kind kind = body.hasNonNull("kind") ? choice(body, "kind", Kind.class) : Kind.AB;
    AssignBy assignBy = body.hasNonNull("assign_by") ? choice(body, "assign_by", AssignBy.class) : AssignBy.USER;
    List<Arm> arms = arms(body.get("arms"));
    if (kind == Kind.INTERLEAVE && arms.size() != 2) {
      throw ApiException.invalidAt("/arms", "an interleave experiment compares exactly two arms, got " + arms.size());
    }
    return new ExperimentSpec(name, collection, kind, assignBy, arms);
  }

  /** Reads arms as {@link #armsView} wrote them (or as a request gave them). */
  public static List<Arm> arms(JsonNode list) {
    if (list == null || !list.isArray() || list.size() < 2 || list.size() > MAX_ARMS) {
      throw ApiException.invalidAt("/arms", "arms must be a list of 2-" + MAX_ARMS + " arms");
    }
    List<Arm> arms = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "/arms/" + i;
      JsonNode a = list.get(i);
      if (!a.isObject()) {
        throw ApiException.invalidAt(at, "an arm is an object: name, weight, configuration");
      }
      known(a, at, Set.of("name", "weight", "configuration"));
      String name = text(a, "name", at);
      if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
        throw ApiException.invalidAt(at + "/name", "an arm's name is 1-64 letters, digits, '.', '_' or '-'");
      }
      if (!names.add(name)) {
        throw ApiException.invalidAt(at + "/name", "arm name '" + name + "' is used twice");
      }
      double weight = 1;
      if (a.has("weight")) {
        JsonNode w = a.get("weight");
        if (!w.isNumber() || !(w.asDouble() > 0) || w.asDouble() > 1e6) {
          throw ApiException.invalidAt(at + "/weight", "weight must be a positive number (at most 1000000), got " + w);
        }
        weight = w.asDouble();
      }
      JsonNode c = a.get("configuration");
      if (c == null || c.isNull()) {
        c = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      }
      if (!c.isObject()) {
        throw ApiException.invalidAt(at + "/configuration", "a configuration is an object: mode, fusion, "
            + "vector_weight, complete, candidates, rerank, feedback");
      }
      known(c, at + "/configuration", EvaluationSpec.RANKING_FIELDS);
      arms.add(new Arm(name, weight, EvaluationSpec.ranking(c, at + "/configuration")));
    }
    return arms;
  }

  private static void known(JsonNode node, String at, Set<String> fields) {
    for (var f : node.properties()) {
      if (!fields.contains(f.getKey())) {
        throw ApiException.invalidAt(at + "/" + f.getKey(), "unknown field; known: " + new TreeSet<>(fields));
      }
    }
  }

  private static String text(JsonNode node, String field, String at) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw ApiException.invalidAt(at + "/" + field, field + " must be a non-blank string");
    }
    return v.asText();
  }

  private static <E extends Enum<E>> E choice(JsonNode node, String field, Class<E> type) {
    JsonNode v = node.get(field);
    List<String> allowed = java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
    if (v.isTextual() && allowed.contains(v.asText())) {
      return Enum.valueOf(type, v.asText().toUpperCase(Locale.ROOT));
    }
    throw ApiException.invalidAt("/" + field, field + " must be one of " + allowed);
  }
}
