package org.mcposterior.jobs.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The executor JVMs a standalone cluster's workers launch, found among each worker's descendant
 * processes, and the fault injection on them: SIGKILL of one executor (no shutdown hooks, no
 * goodbye to the driver: what a crashed or OOM-killed executor looks like), at once, when a task
 * names it in a marker ({@link ExecutorMarkers}), or after an application has run a while. Only
 * this cluster's executors can be killed, so a wrong pid never kills an unrelated process.
 * Thread-safe.
 */
final class StandaloneExecutors {

  static final String EXECUTOR_CLASS = "org.apache.spark.executor.CoarseGrainedExecutorBackend";

  private final Supplier<List<Process>> workers;
  private final RunDirectory run;
  private final Supplier<String> diagnostics;

  StandaloneExecutors(Supplier<List<Process>> workers, RunDirectory run, Supplier<String> diagnostics) {
    this.workers = workers;
    this.run = run;
    this.diagnostics = diagnostics;
  }

  /** The executors running now, read from their command lines. */
  List<ExecutorProcess> running() {
    List<ExecutorProcess> out = new ArrayList<>();
    List<Process> ws = workers.get();
    for (int i = 0; i < ws.size(); i++) {
      int worker = i;
      ws.get(i).toHandle().descendants().forEach(ph -> {
        List<String> cmd = ProcessTrees.commandLine(ph.pid());
        if (cmd.contains(EXECUTOR_CLASS)) {
          out.add(new ExecutorProcess(ph.pid(), ProcessTrees.argumentAfter(cmd, "--app-id"),
              ProcessTrees.argumentAfter(cmd, "--executor-id"), worker));
        }
      });
    }
    return out;
  }

  /**
   * Kills one executor with SIGKILL and waits for it to be gone.
   *
   * @throws ClusterException if {@code pid} is not a running executor of this cluster, or if it survives
   */
  void kill(long pid) {
    List<ExecutorProcess> now = running();
    if (now.stream().noneMatch(e -> e.pid() == pid)) {
      throw run.refuse("pid " + pid + " is not a running executor of this cluster (running: " + now
          + "); refusing to kill it: pass a pid from executors() or executorPids()");
    }
    boolean killed;
    try {
      killed = ProcessTrees.killAndAwait(pid);
    } catch (ClusterException e) {
      throw run.fail("executor " + pid + " is still alive " + ProcessTrees.KILL_WAIT.toSeconds() + " s after SIGKILL", e);
    }
    if (!killed) {
      throw run.fail("executor " + pid + " exited before it could be killed");
    }
  }

  /** Kills the executor of {@code app} that a task names in {@code markerDirectory} first; see {@link StandaloneCluster#killExecutorNamedInMarker}. */
  ExecutorProcess killNamedInMarker(RunningApp app, Path markerDirectory, Duration within) {
    return killWhen(app, within, "a task to write a marker into " + markerDirectory,
        running -> ExecutorMarkers.firstMarked(markerDirectory, running));
  }

  /** Kills the first executor of {@code app} once it has run {@code runningFor}; see {@link StandaloneCluster#killExecutorAfter}. */
  ExecutorProcess killAfter(RunningApp app, Duration runningFor, Duration within) {
    return killWhen(app, within, "the application to run " + runningFor.toSeconds() + " s with an executor",
        running -> app.elapsed().compareTo(runningFor) >= 0 ? running.stream().findFirst() : Optional.empty());
  }

  private ExecutorProcess killWhen(RunningApp app, Duration within, String waitingFor,
      Function<List<ExecutorProcess>, Optional<ExecutorProcess>> choose) {
    Optional<ExecutorProcess> victim = Poller.until(Instant.now().plus(within), () -> {
      if (!app.isAlive()) {
        throw run.fail("the application exited (code " + app.driver().exitValue() + ") while waiting for "
            + waitingFor + "; make its tasks slower or check why it ended:\n--- driver stderr (tail) ---\n"
            + Logs.tail(app.stderrSoFar(), 40) + "\n" + diagnostics.get());
      }
      // Only this application's executors: none before it has registered with the master.
      Optional<String> appId = app.appId();
      return choose.apply(running().stream().filter(e -> appId.isPresent() && appId.get().equals(e.appId()))
          .collect(Collectors.toList()));
    });
    if (victim.isEmpty()) {
      throw run.fail("waited " + within.toSeconds() + " s for " + waitingFor + " (executors now: "
          + running() + "); no executor was killed. Raise the wait or check the application:\n"
          + "--- driver stderr (tail) ---\n" + Logs.tail(app.stderrSoFar(), 40) + "\n" + diagnostics.get());
    }
    kill(victim.get().pid());
    return victim.get();
  }
}
