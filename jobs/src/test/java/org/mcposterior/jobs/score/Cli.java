package org.mcposterior.jobs.score;

import org.mcposterior.jobs.ScoreCommand;
import picocli.CommandLine;

/** Parses score arguments into settings exactly as the command line does, for tests. */
final class Cli {
  private Cli() {}

  static ScoreSettings settings(String... args) {
    ScoreCommand c = new ScoreCommand();
    new CommandLine(c).parseArgs(args);
    return c.settings();
  }
}
