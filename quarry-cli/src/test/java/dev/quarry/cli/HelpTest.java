package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --help} works on the command and on every subcommand, and says what each one does. */
class HelpTest {

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static List<String> subcommands() {
    List<String> names = new CommandLine(new Main()).getSubcommands().keySet().stream()
        .filter(n -> !n.equals("help"))
        .toList();
    assertEquals(List.of("ingest", "search", "ask", "collections", "delete", "eval", "tune", "serve"), names);
    return names;
  }

  @Test
  void everySubcommandPrintsItsUsageOnHelp() {
    for (String name : subcommands()) {
      for (String flag : List.of("--help", "-h")) {
        Run r = run(name, flag);
        assertEquals(0, r.exit(), name + " " + flag + ": " + r.err());
        assertTrue(r.out().startsWith("Usage: quarry " + name), name + " " + flag + ":\n" + r.out());
        assertTrue(r.out().contains("--help"), r.out());
        assertEquals("", r.err(), name + " " + flag);
      }
      Run viaHelp = run("help", name);
      assertEquals(0, viaHelp.exit());
      assertTrue(viaHelp.out().startsWith("Usage: quarry " + name), viaHelp.out());
    }
  }

  @Test
  void helpWinsOverMissingRequiredOptions() {
    Run r = run("ingest", "--help"); // PATH and --collection are required
    assertEquals(0, r.exit());
    assertFalse(r.err().contains("Missing required"), r.err());
  }

  /** The command list shows only the first line of each description, so it must be a whole sentence. */
  @Test
  void theCommandListGivesEachSubcommandAWholeSentence() {
    Run r = run("--help");
    assertEquals(0, r.exit());
    CommandLine cli = new CommandLine(new Main());
    for (String name : subcommands()) {
      String first = cli.getSubcommands().get(name).getCommandSpec().usageMessage().description()[0];
      assertTrue(first.endsWith("."), "the summary of " + name + " stops mid-sentence: " + first);
      assertTrue(r.out().contains(first.substring(0, 20)), name + " is listed:\n" + r.out());
    }
  }
}
