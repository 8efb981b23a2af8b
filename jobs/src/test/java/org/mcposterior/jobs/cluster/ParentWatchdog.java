package org.mcposterior.jobs.cluster;

import java.time.Instant;
import java.util.Optional;

/**
 * A Java agent loaded into every JVM the test cluster starts by hand (master, workers, drivers):
 * it exits the JVM once the test JVM that started it is gone. Close and the shutdown hook stop the
 * cluster when the test JVM ends normally; this covers the rest (Surefire killed on a timeout, a
 * SIGKILL, an IDE's stop button), so a dead test run leaves no cluster behind. Executors need no
 * agent: they exit by themselves when their worker goes away (Spark's WorkerWatcher).
 *
 * <p>Used as {@code -javaagent:watchdog.jar=<pid>}; the jar holds this class alone, so the agent
 * adds nothing else to the class path of a Spark JVM. It exits with {@link System#exit} so the
 * JVM's shutdown hooks run (a worker's hook kills its executors), and halts if they hang.
 */
public final class ParentWatchdog {

  /** Exit code of a JVM stopped because its test JVM went away: 128 + SIGTERM, as if terminated. */
  static final int ORPHANED_EXIT_CODE = 143;
  private static final long POLL_MILLIS = 1000;
  private static final long HALT_AFTER_MILLIS = 20_000;

  private ParentWatchdog() {
  }

  /** Agent entry point; {@code args} is the pid of the test JVM to watch. */
  public static void premain(String args) {
    long pid = Long.parseLong(args.trim());
    Optional<ProcessHandle> watched = ProcessHandle.of(pid);
    // The start instant tells the watched JVM from a later process that reuses its pid.
    Optional<Instant> started = watched.flatMap(p -> p.info().startInstant());
    Thread t = new Thread(() -> watch(pid, started), "mcposterior-parent-watchdog");
    t.setDaemon(true);
    t.start();
  }

  private static void watch(long pid, Optional<Instant> started) {
    while (alive(pid, started)) {
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
    System.err.println("mcposterior test cluster: the test JVM (pid " + pid + ") is gone; exiting");
    Thread halt = new Thread(() -> {
      try {
        Thread.sleep(HALT_AFTER_MILLIS);
      } catch (InterruptedException e) {
        // Halt anyway.
      }
      Runtime.getRuntime().halt(ORPHANED_EXIT_CODE);
    }, "mcposterior-parent-watchdog-halt");
    halt.setDaemon(true);
    halt.start();
    System.exit(ORPHANED_EXIT_CODE);
  }

  private static boolean alive(long pid, Optional<Instant> started) {
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isEmpty() || !p.get().isAlive()) {
      return false;
    }
    return started.isEmpty() || started.equals(p.get().info().startInstant());
  }
}
