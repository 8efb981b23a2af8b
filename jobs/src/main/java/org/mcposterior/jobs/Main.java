package org.mcposterior.jobs;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The entry point of every command: {@code bin/mcposterior <subcommand>} and
 * {@code spark-submit --class org.mcposterior.jobs.Main}. Exit code 0 on success; on failure a
 * one-paragraph error on standard error and exit code 1 (bad input) or 2 (usage).
 */
@Command(name = "mcposterior", mixinStandardHelpOptions = true, version = "mcposterior 0.1.0",
    description = "Monte-Carlo posteriors for Deeplearning4j models, at Spark scale.",
    subcommands = {ScoreCommand.class, DemoCommand.class, BenchCommand.class})
public final class Main implements Runnable {

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /** Runs the command line and returns its exit code (for tests and embedding). */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given output and error writers; returns the exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    if (!SparkLine.check(err)) return 1; // a jar of the wrong Spark/Scala line stops here, before any Spark class links
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      PrintWriter w = cmd.getErr();
      w.println("mcposterior " + cmd.getCommandName() + " failed: " + oneParagraph(ex));
      w.flush();
      return 1;
    });
    return cl.execute(args);
  }

  static String oneParagraph(Throwable ex) {
    StringBuilder sb = new StringBuilder(String.valueOf(ex.getMessage() == null ? ex.toString() : ex.getMessage()));
    Throwable c = ex.getCause();
    while (c != null && c != ex) {
      if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
        sb.append(" (caused by ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(')');
      }
      ex = c;
      c = c.getCause();
    }
    return sb.toString().replace('\n', ' ');
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }
}
