package org.mcposterior.jobs.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waiting for something the cluster does on its own time (a log line, a registration, a task
 * marker, a process gone): ask, sleep {@link #INTERVAL}, ask again until a deadline. An attempt may
 * throw to stop the wait early (a JVM died); the caller decides what a missed deadline means.
 * Stateless and thread-safe.
 */
final class Poller {

  /** Pause between attempts: short against the seconds a JVM takes, long against the cost of an attempt. */
  static final Duration INTERVAL = Duration.ofMillis(100);

  private Poller() {
  }

  /**
   * Calls {@code attempt} until it returns a value or {@code deadline} has passed, sleeping
   * {@link #INTERVAL} in between; the attempt runs at least once.
   *
   * @return the first value, or empty if the deadline passed first
   * @throws ClusterException if interrupted (the interrupt flag stays set)
   */
  static <T> Optional<T> until(Instant deadline, Supplier<Optional<T>> attempt) {
    while (true) {
      Optional<T> r = attempt.get();
      if (r.isPresent() || !Instant.now().isBefore(deadline)) {
        return r;
      }
      sleep(INTERVAL);
    }
  }

  /** {@link Thread#sleep}, with an interrupt turned into a {@link ClusterException} (flag kept set). */
  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted", e);
    }
  }
}
