package dev.quarry.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.core.error.InvalidInputException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One section of the configuration while it is bound to records. Each read names a key and its
 * type; the value comes from the command line, else the environment, else the file, else the
 * caller's default ({@code Optional.empty()} here). Every error starts with the key's path, e.g.
 * {@code limits.max_k: expected a whole number, got "ten"}, followed by the variable or flag it came
 * from when it did not come from the file.
 *
 * <p>Environment names are {@code QUARRY_} plus the upper-snake path ({@code limits.max_k} is
 * {@code QUARRY_LIMITS_MAX_K}); a read may name older names that are still honoured. Blank variables
 * count as unset. A value from the environment or the command line is text and is parsed to the
 * key's type; in the file the YAML type must already be right ({@code max_k: "10"} is refused, as the
 * API refuses {@code "k": "10"}).
 *
 * <p>Call {@link #done()} after a section's last read: keys of the file that no read claimed are
 * rejected there. {@link #finish()} on the root also rejects {@code QUARRY_*} variables in the
 * namespace of a section that name no key (a typo would otherwise be silently ignored).
 */
public final class ConfigSection {

  /** A key that was read: its path and the environment variables that can set it. */
  public record Key(String path, List<String> envNames) {}

  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)");
  private static final Pattern SIZE = Pattern.compile("(\\d{1,15}) ?(B|KiB|MiB|GiB)");
  private static final String FROM_COMMAND_LINE = "the command line";

  /** What every section of one binding shares. */
  private static final class Sources {
    final Map<String, String> env;
    final Map<String, String> flags;
    final Set<String> envNamesRead = new HashSet<>();
    final Set<String> namespaces = new TreeSet<>();
    final List<Key> keys = new ArrayList<>();

    Sources(Map<String, String> env, Map<String, String> flags) {
      this.env = Map.copyOf(env);
      this.flags = Map.copyOf(flags);
    }
  }

  /** A value found for a key, and where it came from ({@code null}: the file). */
  private record Raw(String path, String origin, JsonNode node) {

    InvalidInputException fail(String problem) {
      return new InvalidInputException(path + (origin == null ? "" : " (from " + origin + ")") + ": " + problem);
    }

    boolean fromText() {
      return origin != null;
    }
  }

  private final String path;
  private final ObjectNode file;
  private final Sources sources;
  private final Set<String> claimed = new HashSet<>();
  /** A section of a file-only list ({@link #sections}): no variable or flag reaches its keys. */
  private final boolean fileOnly;

  private ConfigSection(String path, ObjectNode file, Sources sources) {
    this(path, file, sources, false);
  }

  private ConfigSection(String path, ObjectNode file, Sources sources, boolean fileOnly) {
    this.path = path;
    this.file = file;
    this.sources = sources;
    this.fileOnly = fileOnly;
  }

  /**
   * The root of a binding over {@code file} (the parsed YAML, possibly empty), the environment,
   * and {@code flags}: values from the command line keyed by path ({@code server.port}).
   */
  public static ConfigSection root(ObjectNode file, Map<String, String> env, Map<String, String> flags) {
    return new ConfigSection("", file.deepCopy(), new Sources(env, flags));
  }

  /** An empty mapping, the file of a configuration without a file. */
  public static ObjectNode emptyFile() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** The nested section {@code key}; absent or {@code null} in the file reads as empty. */
  public ConfigSection section(String key) {
    claimed.add(key);
    String childPath = join(key);
    sources.namespaces.add(envName(childPath) + "_");
    JsonNode node = file.get(key);
    if (node == null || node.isNull()) {
      return new ConfigSection(childPath, emptyFile(), sources);
    }
    if (!node.isObject()) {
      throw new InvalidInputException(childPath + ": expected a section of keys, got " + describe(node));
    }
    return new ConfigSection(childPath, (ObjectNode) node, sources);
  }

  /**
   * The file's own tree under {@code key}, for structures that only a file can hold (lists of
   * sections, such as {@code llm.providers}) and that their own reader binds and checks; no
   * variable or flag sets it, and it is not one of {@link #keysRead()}.
   */
  public Optional<JsonNode> tree(String key) {
    claimed.add(key);
    JsonNode node = file.get(key);
    return node == null || node.isNull() ? Optional.empty() : Optional.of(node.deepCopy());
  }

  /**
   * The file's list of sections under {@code key} (such as {@code rerankers}), each read with this
   * class's typed reads under the path {@code key[i]}, e.g. {@code rerankers[0].url}. Their keys
   * are set in the file only (no variable or flag: a list has no stable names for them) and are
   * not among {@link #keysRead()}. Absent or {@code null}: an empty list.
   */
  public List<ConfigSection> sections(String key) {
    claimed.add(key);
    String listPath = join(key);
    JsonNode node = file.get(key);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new InvalidInputException(listPath + ": expected a list of sections, got " + describe(node));
    }
    List<ConfigSection> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String itemPath = listPath + "[" + i + "]";
      if (!item.isObject()) {
        throw new InvalidInputException(itemPath + ": expected a section of keys, got " + describe(item));
      }
      out.add(new ConfigSection(itemPath, (ObjectNode) item.deepCopy(), sources, true));
    }
    return List.copyOf(out);
  }

  /**
   * The value of the environment variable {@code name} (blank counts as unset), for a key whose
   * value names a variable, such as a re-ranker's {@code api_key_env}.
   */
  public Optional<String> variable(String name) {
    String v = sources.env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  /** This section's path, {@code ""} for the root. */
  public String path() {
    return path;
  }

  /** Text, such as a host name. */
  public Optional<String> text(String key, String... legacyEnv) {
    return raw(key, legacyEnv).map(r -> {
      if (!r.node().isTextual()) {
        throw r.fail("expected text, got " + describe(r.node()));
      }
      return r.node().textValue();
    });
  }

  /** Text that is never shown, in errors or elsewhere: a key, a password. */
  public Optional<String> secret(String key, String... legacyEnv) {
    return raw(key, legacyEnv).map(r -> {
      if (!r.node().isTextual()) {
        throw r.fail("expected text, got a " + (r.node().isNumber() ? "number" : "value of another type")
            + " (a secret's value is never shown)");
      }
      return r.node().textValue();
    });
  }

  /**
   * A list of text: in the file a YAML list of strings (or one string); from a variable or flag,
   * items separated by commas. Items are trimmed; blank items are refused.
   */
  public Optional<List<String>> textList(String key, String... legacyEnv) {
    return raw(key, legacyEnv).map(r -> {
      JsonNode n = r.node();
      List<String> items = new ArrayList<>();
      if (n.isTextual()) {
        items.addAll(r.fromText() ? List.of(n.textValue().split(",", -1)) : List.of(n.textValue()));
      } else if (n.isArray() && !r.fromText()) {
        for (JsonNode item : n) {
          if (!item.isTextual()) {
            throw r.fail("expected a list of text, got a list holding " + describe(item));
          }
          items.add(item.textValue());
        }
      } else {
        throw r.fail("expected a list of text, got " + describe(n));
      }
      List<String> out = new ArrayList<>();
      for (String item : items) {
        if (item.isBlank()) {
          throw r.fail("expected a list of text without blank items, got " + describe(n));
        }
        out.add(item.trim());
      }
      return List.copyOf(out);
    });
  }

  /** One of {@code allowed}, lower case. */
  public Optional<String> choice(String key, List<String> allowed, String... legacyEnv) {
    return raw(key, legacyEnv).map(r -> {
      if (!r.node().isTextual() || !allowed.contains(r.node().textValue())) {
        throw r.fail("expected one of " + String.join(", ", allowed) + ", got " + describe(r.node()));
      }
      return r.node().textValue();
    });
  }

  /** A file system path. */
  public Optional<Path> path(String key, String... legacyEnv) {
    return raw(key, legacyEnv).map(r -> {
      if (!r.node().isTextual() || r.node().textValue().isBlank()) {
        throw r.fail("expected a directory path, got " + describe(r.node()));
      }
      try {
        return Path.of(r.node().textValue());
      } catch (InvalidPathException e) {
        throw r.fail("not a valid path: " + e.getReason());
      }
    });
  }

  /** A whole number in {@code min..max}. */
  public Optional<Long> wholeNumber(String key, long min, long max, String... legacyEnv) {
    return raw(key, legacyEnv).map(r -> inRange(r, wholeNumber(r, "expected a whole number"), min, max));
  }

  /** A whole number in {@code min..max}, both within the range of {@code int}. */
  public Optional<Integer> integer(String key, int min, int max, String... legacyEnv) {
    return wholeNumber(key, min, max, legacyEnv).map(Long::intValue);
  }

  /** A number (fractions allowed) in {@code [min, max]}. */
  public Optional<Double> decimal(String key, double min, double max, String... legacyEnv) {
    return raw(key, legacyEnv).map(r -> {
      double value;
      JsonNode n = r.node();
      if (n.isNumber()) {
        value = n.doubleValue();
      } else if (r.fromText() && n.isTextual()) {
        try {
          value = Double.parseDouble(n.textValue().trim());
        } catch (NumberFormatException e) {
          throw r.fail("expected a number, got " + describe(n));
        }
      } else {
        throw r.fail("expected a number, got " + describe(n));
      }
      if (!(value >= min && value <= max)) {
        throw r.fail("must be in " + plain(min) + ".." + plain(max) + ", got " + plain(value));
      }
      return value;
    });
  }

  /** {@code true} or {@code false}. */
  public Optional<Boolean> bool(String key, String... legacyEnv) {
    return raw(key, legacyEnv).map(r -> {
      JsonNode n = r.node();
      if (n.isBoolean()) {
        return n.booleanValue();
      }
      if (r.fromText() && n.isTextual()) {
        String t = n.textValue().trim().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("false")) {
          return t.equals("true");
        }
      }
      throw r.fail("expected true or false, got " + describe(n));
    });
  }

  /** A duration written as a whole number and a unit: {@code 500ms}, {@code 1s}, {@code 5m}, {@code 2h}. */
  public Optional<Duration> duration(String key, Duration min, Duration max, String... legacyEnv) {
    return raw(key, legacyEnv).map(r -> {
      Duration d = (r.node().isTextual() ? parseDuration(r.node().textValue()) : Optional.<Duration>empty())
          .orElseThrow(() -> r.fail("expected a duration such as 500ms, 1s, 5m or 2h, got " + describe(r.node())));
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw r.fail("must be in " + format(min) + ".." + format(max) + ", got " + format(d));
      }
      return d;
    });
  }

  /**
   * {@code text} read as a duration the way this configuration writes one (a whole number and a
   * unit: {@code 500ms}, {@code 1s}, {@code 5m}, {@code 2h}), or empty when it is not one. Query
   * parameters that take a duration use the same syntax.
   */
  public static Optional<Duration> parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(m.group(1));
    return Optional.of(switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    });
  }

  /** A size in bytes: a whole number, or one with a unit, {@code 512KiB}, {@code 64MiB}, {@code 1GiB}. */
  public Optional<Long> bytes(String key, long min, long max, String... legacyEnv) {
    return raw(key, legacyEnv).map(r -> {
      JsonNode n = r.node();
      long value;
      Matcher m = n.isTextual() ? SIZE.matcher(n.textValue().trim()) : null;
      if (m != null && m.matches()) {
        int shift = switch (m.group(2)) {
          case "B" -> 0;
          case "KiB" -> 10;
          case "MiB" -> 20;
          default -> 30;
        };
        long amount = Long.parseLong(m.group(1));
        if (amount > (Long.MAX_VALUE >> shift)) {
          throw r.fail("must be in " + min + ".." + max + " bytes, got " + n.textValue());
        }
        value = amount << shift;
      } else {
        value = wholeNumber(r, "expected a size in bytes such as 1048576 or 64MiB");
      }
      if (value < min || value > max) {
        throw r.fail("must be in " + min + ".." + max + " bytes, got " + value);
      }
      return value;
    });
  }

  /** A failure of the rule that relates several keys of this section, named by {@code key}'s path. */
  public InvalidInputException invalid(String key, String problem) {
    return new InvalidInputException(join(key) + ": " + problem);
  }

  /** Rejects keys of this section in the file that no read claimed. */
  public void done() {
    Set<String> unknown = new LinkedHashSet<>();
    file.fieldNames().forEachRemaining(name -> {
      if (!claimed.contains(name)) {
        unknown.add(name);
      }
    });
    if (!unknown.isEmpty()) {
      String first = unknown.iterator().next();
      throw new InvalidInputException(join(first) + ": unknown key; "
          + (path.isEmpty() ? "the sections are " : "the keys of " + path + " are ")
          + String.join(", ", new TreeSet<>(claimed)));
    }
  }

  /**
   * {@link #done()} for the root, then rejects variables such as {@code QUARRY_LIMITS_MAX_KK}: in
   * the namespace of a section ({@code QUARRY_LIMITS_}) but naming none of its keys.
   */
  public void finish() {
    done();
    for (String name : new TreeSet<>(sources.env.keySet())) {
      if (sources.envNamesRead.contains(name)) {
        continue;
      }
      for (String namespace : sources.namespaces) {
        if (name.startsWith(namespace)) {
          throw new InvalidInputException(name + ": no such setting; the variables of "
              + namespace.substring(0, namespace.length() - 1) + "_* are "
              + String.join(", ", sources.envNamesRead.stream().filter(n -> n.startsWith(namespace)).sorted().toList()));
        }
      }
    }
  }

  /** The keys read so far, in the order they were read (all of them, after a whole binding). */
  public List<Key> keysRead() {
    return List.copyOf(sources.keys);
  }

  /** {@code QUARRY_} plus the upper-snake form of {@code path}. */
  public static String envName(String path) {
    return "QUARRY_" + path.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  private Optional<Raw> raw(String key, String... legacyEnv) {
    Objects.requireNonNull(key, "key");
    claimed.add(key);
    String keyPath = join(key);
    if (fileOnly) {
      JsonNode node = file.get(key);
      return node == null || node.isNull() ? Optional.empty() : Optional.of(new Raw(keyPath, null, node));
    }
    List<String> names = new ArrayList<>();
    names.add(envName(keyPath));
    names.addAll(List.of(legacyEnv));
    sources.keys.add(new Key(keyPath, List.copyOf(names)));
    String envValue = null;
    String envFrom = null;
    for (String name : names) {
      sources.envNamesRead.add(name);
      String v = sources.env.get(name);
      if (v == null || v.isBlank()) {
        continue;
      }
      if (envValue == null) {
        envValue = v;
        envFrom = name;
      } else if (!envValue.equals(v)) {
        throw new InvalidInputException(keyPath + ": " + envFrom + " and " + name
            + " are both set, to different values; unset one");
      }
    }
    String flag = sources.flags.get(keyPath);
    if (flag != null) {
      return Optional.of(new Raw(keyPath, FROM_COMMAND_LINE, JsonNodeFactory.instance.textNode(flag)));
    }
    if (envValue != null) {
      return Optional.of(new Raw(keyPath, envFrom, JsonNodeFactory.instance.textNode(envValue)));
    }
    JsonNode node = file.get(key);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    return Optional.of(new Raw(keyPath, null, node));
  }

  private static long wholeNumber(Raw r, String expected) {
    JsonNode n = r.node();
    if (n.isIntegralNumber()) {
      if (!n.canConvertToLong()) {
        throw r.fail("out of range, got " + n.asText());
      }
      return n.longValue();
    }
    if (r.fromText() && n.isTextual()) {
      try {
        return Long.parseLong(n.textValue().trim());
      } catch (NumberFormatException e) {
        throw r.fail(expected + ", got " + describe(n));
      }
    }
    throw r.fail(expected + ", got " + describe(n));
  }

  private static long inRange(Raw r, long value, long min, long max) {
    if (value < min || value > max) {
      throw r.fail("must be in " + min + ".." + max + ", got " + value);
    }
    return value;
  }

  private String join(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** A value as an error message shows it: text quoted, sections and lists by kind. */
  static String describe(JsonNode n) {
    if (n.isTextual()) {
      return "\"" + n.textValue() + "\"";
    }
    if (n.isObject()) {
      return "a section of keys";
    }
    if (n.isArray()) {
      return "a list";
    }
    return n.asText();
  }

  /** A duration the way this configuration writes it. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0 && ms > 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  private static String plain(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
