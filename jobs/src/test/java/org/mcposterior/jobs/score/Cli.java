package org.mcposterior.jobs.score;

import org.mcposterior.jobs.ScoreCommand;
import picocli.CommandLine;

/** Parses score arguments into settings as the command line does (later options win), for tests. */
final class Cli {
  private Cli() {}

  static ScoreSettings settings(String... args) {
    ScoreCommand c = new ScoreCommand();
    new CommandLine(c).setOverwrittenOptionsAllowed(true).parseArgs(args);
    return c.settings();
  }
}
