package dev.quarry.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.quarry.core.error.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the configuration file: YAML whose top level is a mapping of sections. Duplicate keys are
 * refused (the second would otherwise silently win). Types are left as YAML wrote them; {@link
 * ConfigSection} checks them.
 */
public final class YamlConfigFile {

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private YamlConfigFile() {}

  /** The file's top-level mapping; an empty file is an empty mapping. */
  public static ObjectNode read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new InvalidInputException("config file " + file + " cannot be read: " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses {@code text}; {@code source} names it in errors. */
  public static ObjectNode parse(String text, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new InvalidInputException("config file " + source + " is not valid YAML" + where + ": "
          + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return ConfigSection.emptyFile();
    }
    if (!root.isObject()) {
      throw new InvalidInputException("config file " + source
          + ": expected a mapping of sections (server, limits, store, ...) at the top, got "
          + ConfigSection.describe(root));
    }
    return (ObjectNode) root;
  }
}
