package org.mcposterior.jobs;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The entry point of every command: {@code bin/mcposterior <subcommand>} and
 * {@code spark-submit --class org.mcposterior.jobs.Main}. Exit code 0 on success; on failure one
 * paragraph on standard error and exit code 1 (bad input or a failed run) or 2 (usage), whatever
 * threw ({@link Failure}). The full stack trace goes to the log (the file bin/mcposterior names
 * with {@code -Dmcposterior.log}, else the driver's log) and, with {@code --verbose}, to standard
 * error as well.
 */
@Command(name = "mcposterior", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Monte-Carlo posteriors for Deeplearning4j models, at Spark scale.",
    subcommands = {ScoreCommand.class, SampleCommand.class, ReportCommand.class, DemoCommand.class, BenchCommand.class,
        org.mcposterior.jobs.learn.LearnCommand.class})
public final class Main implements Callable<Integer> {

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "On failure, print the full stack trace too (and, with bin/mcposterior, Spark's warnings).")
  boolean verbose;

  @Spec
  CommandSpec spec;

  private final org.mcposterior.spark.RunObserver observer;

  private Main(org.mcposterior.spark.RunObserver observer) {
    this.observer = observer;
  }

  /** What the commands' runs tell of their progress ({@link org.mcposterior.spark.RunObserver}); none but in tests. */
  org.mcposterior.spark.RunObserver observer() {
    return observer;
  }

  /** {@code --version}: the build's own version ({@link org.mcposterior.platform.BuildInfo}). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"mcposterior " + org.mcposterior.platform.BuildInfo.version() + " (Deeplearning4j "
          + org.mcposterior.platform.BuildInfo.deeplearning4jVersion() + ")"};
    }
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    spec.commandLine().getErr().println("mcposterior: a subcommand is needed (score, sample, report, demo, bench)");
    return Failure.USAGE;
  }

  /** Runs the command line and returns its exit code (for tests and embedding). */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given output and error writers; returns the exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return execute(org.mcposterior.spark.RunObserver.NONE, out, err, args);
  }

  /**
   * {@link #execute(PrintWriter, PrintWriter, String...)} with {@code observer} told of the run's
   * progress ({@code score}'s tasks and commit): the seam through which tests act at a known point
   * of a run.
   */
  public static int execute(org.mcposterior.spark.RunObserver observer, PrintWriter out, PrintWriter err,
      String... args) {
    if (!SparkLine.check(err)) {
      return Failure.FAILED; // a jar of the wrong Spark/Scala line stops here, before any Spark class links
    }
    CommandLine cl = new CommandLine(new Main(observer));
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, a) -> {
      CommandLine cmd = ex.getCommandLine();
      String name = cmd.getCommandSpec().qualifiedName();
      report(cmd.getErr(), name, Failure.usage(ex.getMessage() + "; see '" + name + " --help'"), ex, false);
      return Failure.USAGE;
    });
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      boolean verbose = parseResult.matchedOption("--verbose") != null
          || parseResult.subcommands().stream().anyMatch(p -> p.matchedOption("--verbose") != null);
      Failure f = Failure.of(ex, System.getProperty("mcposterior.log"));
      report(cmd.getErr(), cmd.getCommandSpec().qualifiedName(), f, ex, verbose);
      return f.exitCode();
    });
    try {
      return cl.execute(args);
    } catch (Throwable t) {
      // What picocli's handlers let through (an error inside a handler, a JVM error while parsing).
      Failure f = Failure.of(t, System.getProperty("mcposterior.log"));
      report(err, "mcposterior", f, t, true);
      return f.exitCode();
    }
  }

  private static void report(PrintWriter err, String command, Failure f, Throwable t, boolean verbose) {
    if (System.getProperty("mcposterior.log") != null) {
      // The log file the paragraph names. The logger is looked up here, not in a static field: the
      // Spark-line check must run before anything from the cluster's class path (slf4j) links.
      LoggerFactory.getLogger("mcposterior.failure").error("{} failed: {}", command, f.paragraph(), t);
    }
    err.println(command + " failed: " + f.paragraph());
    if (verbose) {
      t.printStackTrace(err);
    }
    err.flush();
  }

  /**
   * Runs {@link #execute} and exits with its code, except for a success inside a YARN
   * ApplicationMaster (cluster mode), where it returns: there the ApplicationMaster reports the
   * application's final status when main returns, and a {@code System.exit} from main (even with
   * 0) runs its shutdown hook first, which marks the application FAILED ("Shutdown hook called
   * before final status was reported"), so spark-submit would exit non-zero for a good run. A
   * failure still exits with its code, which the ApplicationMaster reports as FAILED.
   */
  public static void main(String[] args) {
    runAndExit(org.mcposterior.spark.RunObserver.NONE, args);
  }

  /**
   * {@link #main}, with {@code observer} told of the run's progress: the entry point of test-only
   * main classes that install a {@link org.mcposterior.spark.RunObserver} in a separate JVM (the
   * command-line and cluster tests), which then exits exactly as {@code main} does.
   */
  public static void runAndExit(org.mcposterior.spark.RunObserver observer, String... args) {
    int code = execute(observer, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    if (code == 0 && inYarnApplicationMaster()) {
      return;
    }
    System.exit(code);
  }

  /** Whether this JVM is a YARN cluster-mode driver: the ApplicationMaster sets these properties before it calls main. */
  static boolean inYarnApplicationMaster() {
    return "yarn".equals(System.getProperty("spark.master"))
        && "cluster".equals(System.getProperty("spark.submit.deployMode"));
  }
}
