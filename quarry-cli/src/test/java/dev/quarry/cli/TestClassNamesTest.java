package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every class that holds tests is run by Surefire: its name matches one of the {@code <include>}
 * patterns of the parent pom. A test class named otherwise ({@code RetryPolicyProperties} was, once,
 * before {@code *Properties} was included) would be skipped without a word; this fails the build
 * instead. Reads the sources of every module, so it also sees modules built after this one.
 */
class TestClassNamesTest {

  /** An annotation that makes a method a JUnit Jupiter or jqwik test. */
  private static final Pattern TEST_ANNOTATION = Pattern.compile(
      "(?m)^\\s*@(Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate|Property|Example)\\b");
  private static final Pattern ABSTRACT_CLASS = Pattern.compile("(?m)^\\s*(public\\s+)?abstract\\s+class\\b");
  private static final Pattern INCLUDE = Pattern.compile("<include>([^<]+)</include>");

  @Test
  void everyClassWithTestsMatchesSurefiresIncludes() throws IOException {
    Path root = projectRoot();
    List<PathMatcher> includes = includes(root);
    List<Path> testClasses = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/test/java"))).toList()) {
        Path tests = module.resolve("src/test/java");
        try (Stream<Path> files = Files.walk(tests)) {
          for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
            String source = Files.readString(file);
            if (TEST_ANNOTATION.matcher(source).find() && !ABSTRACT_CLASS.matcher(source).find()) {
              testClasses.add(tests.relativize(file));
            }
          }
        }
      }
    }
    assertTrue(testClasses.size() > 50, "found the test classes of every module: " + testClasses.size());
    List<String> skipped = testClasses.stream()
        .filter(f -> includes.stream().noneMatch(m -> m.matches(f)))
        .map(Path::toString)
        .toList();
    assertEquals(List.of(), skipped, "test classes Surefire would not run; rename them to match one of the "
        + "<include> patterns of the parent pom (or add a pattern there)");
  }

  @Test
  void theIncludesCoverPropertyClasses() throws IOException {
    List<PathMatcher> includes = includes(projectRoot());
    assertTrue(includes.stream().anyMatch(m -> m.matches(Path.of("dev/quarry/store/document/RetryPolicyProperties.java"))));
    assertFalse(includes.stream().anyMatch(m -> m.matches(Path.of("dev/quarry/store/jdbc/Fixtures.java"))));
  }

  /** Surefire's include patterns from the parent pom, as glob matchers over paths below src/test/java. */
  private static List<PathMatcher> includes(Path root) throws IOException {
    Matcher m = INCLUDE.matcher(Files.readString(root.resolve("pom.xml")));
    List<PathMatcher> out = new ArrayList<>();
    while (m.find()) {
      String glob = m.group(1).trim();
      out.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
      if (glob.startsWith("**/")) { // Ant's **/ also matches no directory at all
        out.add(FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3)));
      }
    }
    assertFalse(out.isEmpty(), "the parent pom declares Surefire <include> patterns");
    return out;
  }

  private static Path projectRoot() {
    String configured = System.getProperty("quarry.root");
    Path dir = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
    assertTrue(Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("quarry-cli")),
        "the project root (with pom.xml and quarry-cli/): " + dir);
    return dir.toAbsolutePath();
  }
}
