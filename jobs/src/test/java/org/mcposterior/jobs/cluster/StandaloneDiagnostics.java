package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where a standalone cluster's JVMs log, and the account a failure message needs: the tails of the
 * master's and workers' logs ({@code logs/master.log}, {@code logs/worker-<i>.log}) and of every
 * executor's standard error ({@code work/worker-<i>/app-*}/{@code <id>}/stderr). Thread-safe.
 */
final class StandaloneDiagnostics {

  private static final int TAIL_LINES = 25;

  private final RunDirectory run;

  StandaloneDiagnostics(RunDirectory run) {
    this.run = run;
  }

  Path masterLog() {
    return run.logs().resolve("master.log");
  }

  Path workerLog(int worker) {
    return run.logs().resolve("worker-" + worker + ".log");
  }

  /** A worker's {@code --work-dir}, where it keeps its executors' directories. */
  Path workerDirectory(int worker) {
    return workDirectory().resolve("worker-" + worker);
  }

  private Path workDirectory() {
    return run.root().resolve("work");
  }

  /** The run directory, then the tails of the daemons' logs and of every executor's standard error. */
  String describe() {
    StringBuilder sb = new StringBuilder("--- cluster run directory: ").append(run.root()).append(" ---\n");
    try (Stream<Path> files = Files.list(run.logs())) {
      for (Path f : files.sorted().filter(p -> p.getFileName().toString().matches("(master|worker-\\d+)\\.log"))
          .collect(Collectors.toList())) {
        sb.append("--- ").append(f.getFileName()).append(" (tail) ---\n").append(Logs.tail(f, TAIL_LINES)).append('\n');
      }
    } catch (IOException e) {
      sb.append("(cannot list ").append(run.logs()).append(": ").append(e.getMessage()).append(")\n");
    }
    for (Path f : executorLogs()) {
      sb.append("--- executor ").append(run.root().relativize(f)).append(" (tail) ---\n")
          .append(Logs.tail(f, TAIL_LINES)).append('\n');
    }
    return sb.toString();
  }

  /** Executors' {@code stderr} files under the workers' directories. */
  List<Path> executorLogs() {
    Path work = workDirectory();
    if (!Files.isDirectory(work)) {
      return List.of();
    }
    try (Stream<Path> s = Files.find(work, 4, (p, a) -> a.isRegularFile() && p.getFileName().toString().equals("stderr"))) {
      return s.sorted().collect(Collectors.toList());
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  /** Whether a path is an executor's standard output or error: kept with the logs after trouble. */
  static boolean isExecutorLog(Path p) {
    String name = p.getFileName() == null ? "" : p.getFileName().toString();
    return (name.equals("stderr") || name.equals("stdout")) && p.toString().contains("/work/worker-");
  }
}
