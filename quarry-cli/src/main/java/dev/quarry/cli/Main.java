package dev.quarry.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code quarry} command. Each subcommand is a class beside this one. */
@Command(
    name = "quarry",
    mixinStandardHelpOptions = true,
    version = "quarry 0.1.0",
    description = "Retrieval engine: ingest documents, search them, and measure search quality.",
    subcommands = {
      IngestCommand.class,
      SearchCommand.class,
      AskCommand.class,
      CollectionsCommand.class,
      DeleteCommand.class,
      EvalCommand.class,
      ServeCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Held so the level set on it is not lost when the logger is garbage collected. */
  private static final java.util.logging.Logger LUCENE = java.util.logging.Logger.getLogger("org.apache.lucene");

  public static void main(String[] args) {
    LUCENE.setLevel(java.util.logging.Level.WARNING); // Lucene's start-up INFO lines are not for users
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (see {@link ExitCodes}). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(ExitCodes::handle);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
