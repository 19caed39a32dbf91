package dev.quarry.core.index;

import dev.quarry.core.error.InvalidInputException;
import java.util.regex.Pattern;

/**
 * The one rule for a collection's name, which the CLI, the engine, the store and the HTTP API all
 * apply: {@value #RULE}. Names also name folders in the data directory, so nothing else is allowed.
 *
 * <p>A collection that belongs to a namespace (the server's tenants) is held by the engine under the
 * qualified name {@code <namespace>--<name>}: a namespace is 1-{@value #MAX_NAMESPACE} characters of
 * a-z and 0-9 in groups joined by single hyphens, so the first {@code --} always ends it, and the
 * name after it follows the same rule as any other.
 */
public final class CollectionNames {

  /** The most characters a collection's name has. */
  public static final int MAX_LENGTH = 64;

  /** The most characters a namespace has. */
  public static final int MAX_NAMESPACE = 31;

  /** Separates a namespace from the name in a qualified name. */
  public static final String SEPARATOR = "--";

  /** The rule, as error messages state it. */
  public static final String RULE = "1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit";

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0," + (MAX_LENGTH - 1) + "}");
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  private CollectionNames() {}

  /** Whether {@code name} follows the rule. */
  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** {@code name}, or invalid input saying the rule. */
  public static String require(String name) {
    if (!isValid(name)) {
      throw new InvalidInputException("invalid collection name '" + name + "': use " + RULE);
    }
    return name;
  }

  /** Whether {@code namespace} can qualify a name. */
  public static boolean isValidNamespace(String namespace) {
    return namespace != null && namespace.length() <= MAX_NAMESPACE && NAMESPACE.matcher(namespace).matches();
  }

  /** Whether {@code qualified} is {@code <namespace>--<name>} with both valid. */
  public static boolean isValidQualified(String qualified) {
    if (qualified == null) {
      return false;
    }
    int at = qualified.indexOf(SEPARATOR);
    return at > 0 && isValidNamespace(qualified.substring(0, at)) && isValid(qualified.substring(at + SEPARATOR.length()));
  }
}
