package dev.quarry.cli;

import ch.qos.logback.classic.LoggerContext;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Sets up the one JSON log stream (Logback, configured by {@code logback.xml}) before anything
 * logs: the level, and java.util.logging routed into it.
 */
final class Logging {

  /** The system property {@code logback.xml} takes the root level from. */
  static final String LEVEL_PROPERTY = "quarry.log.level";

  private Logging() {}

  /**
   * The level is {@code $QUARRY_LOG_LEVEL} when set, else INFO for {@code serve} (an operator reads
   * its log) and WARN for the other commands (their output is for a person at a terminal).
   */
  static void configure(Optional<String> command, Optional<String> levelFromEnvironment) {
    if (System.getProperty(LEVEL_PROPERTY) == null) {
      String level = levelFromEnvironment.map(String::strip).filter(l -> !l.isEmpty())
          .orElse(command.filter("serve"::equals).isPresent() ? "INFO" : "WARN");
      System.setProperty(LEVEL_PROPERTY, level.toUpperCase(Locale.ROOT));
    }
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger(); // JUL's console handler would print plain lines
      SLF4JBridgeHandler.install();
    }
  }

  /**
   * Writes what is still queued (the access log is written asynchronously, see {@code logback.xml})
   * and stops logging; called last before the process exits. Lines logged after it are lost.
   */
  static void stop() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }
}
