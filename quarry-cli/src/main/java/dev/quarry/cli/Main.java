package dev.quarry.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code quarry} command. Each subcommand is a class beside this one. */
@Command(
    name = "quarry",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT, // every subcommand takes --help (and --version) too
    version = "quarry 0.1.0",
    description = "Retrieval engine: ingest documents, search them, and measure search quality.",
    subcommands = {
      IngestCommand.class,
      SearchCommand.class,
      AskCommand.class,
      CollectionsCommand.class,
      DeleteCommand.class,
      EvalCommand.class,
      TuneCommand.class,
      ServeCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    Logging.configure(java.util.Arrays.stream(args).findFirst(), java.util.Optional.ofNullable(System.getenv("QUARRY_LOG_LEVEL")));
    int code = run(args);
    Logging.stop();
    System.exit(code);
  }

  /** Runs the command line and returns the exit code (see {@link ExitCodes}). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with picocli's own output (usage, help, usage errors) going to {@code out} and {@code err}. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(ExitCodes::handle);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
