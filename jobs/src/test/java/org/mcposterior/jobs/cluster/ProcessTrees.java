package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finding and killing the processes a test cluster started: command lines read from
 * {@code /proc} (so Linux only), SIGKILL of whole process trees, and waiting for the kernel to reap
 * them. Stateless and thread-safe.
 */
final class ProcessTrees {

  /** How long a process may take to go after SIGKILL before the harness calls it trouble. */
  static final Duration KILL_WAIT = Duration.ofSeconds(15);

  private ProcessTrees() {
  }

  /** A process's command line from {@code /proc/<pid>/cmdline} (complete, unlike {@code ProcessHandle.Info}); empty if gone or unreadable. */
  static List<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return Stream.of(new String(raw, StandardCharsets.UTF_8).split("\0")).filter(s -> !s.isEmpty())
          .collect(Collectors.toList());
    } catch (IOException | SecurityException e) {
      return List.of();
    }
  }

  /** The argument after {@code flag} on a command line, or "?" if there is none. */
  static String argumentAfter(List<String> cmd, String flag) {
    int i = cmd.indexOf(flag);
    return i >= 0 && i + 1 < cmd.size() ? cmd.get(i + 1) : "?";
  }

  /** Pids of the processes (other than this JVM) whose command line, joined by spaces, contains any of {@code fragments}. */
  static List<Long> naming(Stream<ProcessHandle> candidates, Collection<String> fragments) {
    long self = ProcessHandle.current().pid();
    return candidates.filter(ph -> ph.pid() != self).filter(ph -> {
      String cmd = String.join(" ", commandLine(ph.pid()));
      return fragments.stream().anyMatch(cmd::contains);
    }).map(ProcessHandle::pid).collect(Collectors.toList());
  }

  /** Kills a process and every descendant with SIGKILL; the descendants are listed first, since a dead parent's children are reparented and no longer show. */
  static List<ProcessHandle> killTree(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().collect(Collectors.toList()));
    root.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    tree.add(root);
    return tree;
  }

  /** {@link #killTree} of a pid that may already be gone. */
  static List<ProcessHandle> killTree(long pid) {
    return ProcessHandle.of(pid).map(ProcessTrees::killTree).orElse(List.of());
  }

  /**
   * Kills one process (not its children) with SIGKILL and waits up to {@link #KILL_WAIT} for it to be gone.
   *
   * @return false if it had already exited, true once it is gone
   * @throws ClusterException if it is still alive after the wait
   */
  static boolean killAndAwait(long pid) {
    var ph = ProcessHandle.of(pid);
    if (ph.isEmpty()) {
      return false;
    }
    ph.get().destroyForcibly();
    try {
      ph.get().onExit().get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      throw new ClusterException("process " + pid + " is still alive " + KILL_WAIT.toSeconds() + " s after SIGKILL", e);
    }
  }

  /**
   * Kills the trees of {@code roots} and of every pid {@code live} lists, waits up to
   * {@link #KILL_WAIT} for all of them to exit, and returns what {@code live} lists then.
   */
  static List<Long> sweep(Collection<ProcessHandle> roots, Supplier<List<Long>> live) {
    List<ProcessHandle> killed = new ArrayList<>();
    roots.forEach(r -> killed.addAll(killTree(r)));
    live.get().forEach(pid -> killed.addAll(killTree(pid)));
    awaitExit(killed, Instant.now().plus(KILL_WAIT));
    return live.get();
  }

  /** Waits until every process has exited or {@code deadline} has passed; what survives is the caller's to report. */
  static void awaitExit(Collection<ProcessHandle> processes, Instant deadline) {
    for (ProcessHandle ph : processes) {
      try {
        ph.onExit().get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // The caller finds survivors by looking again.
      }
    }
  }
}
