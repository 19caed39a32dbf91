package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./quarry} launcher and its helper scripts, run as a user runs them (bash), on the
 * classpath this build made ({@code QUARRY_CLASSPATH}, so no build starts inside a test).
 */
class LauncherTest {

  private static final String INCUBATOR_WARNING = "WARNING: Using incubator modules";

  private record Ran(int exit, String out, String err) {}

  private static Path root() {
    Path root = Path.of(System.getProperty("quarry.root", Path.of("").toAbsolutePath().getParent().toString()));
    assertTrue(Files.isRegularFile(root.resolve("quarry")), "the launcher at " + root);
    return root;
  }

  private static Ran run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Path out = Files.createTempFile("launcher", ".out");
    Path err = Files.createTempFile("launcher", ".err");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished: " + command);
    Thread.sleep(200); // the launcher's stderr filter may write its last bytes just after the JVM exits
    Ran ran = new Ran(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return ran;
  }

  private static Ran quarry(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", root().resolve("quarry").toString()));
    command.addAll(List.of(args));
    return run(command, Map.of(
        "QUARRY_CLASSPATH", System.getProperty("java.class.path"),
        "JAVA_HOME", System.getProperty("java.home")));
  }

  @Test
  void theJvmAnnouncesTheIncubatorModuleAndTheLauncherDropsThatLine() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Ran raw = run(List.of(java, "--add-modules", "jdk.incubator.vector", "-version"), Map.of());
    assertTrue(raw.err().startsWith(INCUBATOR_WARNING), "the JVM prints the warning itself:\n" + raw.err());

    for (String command : List.of("--help", "serve", "ingest", "eval")) {
      Ran r = command.equals("--help") ? quarry("--help") : quarry(command, "--help");
      assertEquals(0, r.exit(), command + ": " + r.err());
      assertFalse(r.err().contains(INCUBATOR_WARNING), command + ":\n" + r.err());
      assertFalse(r.out().contains(INCUBATOR_WARNING), command + ":\n" + r.out());
      assertTrue(r.out().startsWith("Usage: quarry"), command + ":\n" + r.out());
    }
  }

  @Test
  void otherStandardErrorOutputAndTheExitCodeComeThrough() throws Exception {
    Ran r = quarry("search", "x"); // --collection is missing
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("Missing required option: '--collection=NAME'"), r.err());
  }

  @Test
  void theTestSummaryAddsUpEveryModulesReports(@TempDir Path project) throws Exception {
    report(project, "quarry-core", "TEST-a.A.xml", 9, 0, 0, 1);
    report(project, "quarry-core", "TEST-a.B.xml", 3, 1, 0, 0);
    report(project, "quarry-cli", "TEST-b.C.xml", 5, 0, 2, 0);
    // what Surefire writes for a class with @Nested classes: tests="0" on the suite, and its cases
    Path dir = project.resolve("quarry-store/target/surefire-reports");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("TEST-c.D.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuite name="c.D" time="1" tests="0" errors="0" skipped="0" failures="0">
          <testcase name="outer" classname="c.D" time="0.1"/>
          <testcase name="inner" classname="c.D$Nested" time="0.1">
            <system-out><![CDATA[a line that mentions <failure> and <testcase> in passing]]></system-out>
          </testcase>
        </testsuite>
        """);
    Ran r = run(List.of("bash", root().resolve("tools/test-summary.sh").toString(), project.toString()), Map.of());
    assertEquals(0, r.exit(), r.err());
    assertEquals("19 passed, 3 failed, 1 skipped\n", r.out());
  }

  @Test
  void theTestSummarySaysSoWhenNoTestRan(@TempDir Path project) throws Exception {
    Ran r = run(List.of("bash", root().resolve("tools/test-summary.sh").toString(), project.toString()), Map.of());
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("no test reports"), r.err());
  }

  private static void report(Path project, String module, String name, int passed, int failures, int errors, int skipped)
      throws IOException {
    Path dir = Files.createDirectories(project.resolve(module).resolve("target/surefire-reports"));
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"x\" tests=\"999\">\n");
    for (int i = 0; i < passed; i++) {
      xml.append("  <testcase name=\"p").append(i).append("\" classname=\"x\" time=\"0.01\"/>\n");
    }
    for (int i = 0; i < failures; i++) {
      xml.append("  <testcase name=\"f").append(i).append("\" classname=\"x\">\n    <failure message=\"m\" type=\"t\">trace</failure>\n  </testcase>\n");
    }
    for (int i = 0; i < errors; i++) {
      xml.append("  <testcase name=\"e").append(i).append("\" classname=\"x\">\n    <error message=\"m\" type=\"t\">trace</error>\n  </testcase>\n");
    }
    for (int i = 0; i < skipped; i++) {
      xml.append("  <testcase name=\"s").append(i).append("\" classname=\"x\">\n    <skipped/>\n  </testcase>\n");
    }
    Files.writeString(dir.resolve(name), xml.append("</testsuite>\n").toString());
  }
}
