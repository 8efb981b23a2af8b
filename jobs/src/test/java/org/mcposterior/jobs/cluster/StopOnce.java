package org.mcposterior.jobs.cluster;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stopping a cluster exactly once, whoever asks first: the test's {@code close()} or, if a test
 * forgets, a JVM shutdown hook registered at construction. Thread-safe.
 */
final class StopOnce {

  private final AtomicBoolean stopped = new AtomicBoolean();
  private final Runnable stop;
  private final Thread hook;

  /** Registers a shutdown hook (thread {@code hookName}) that runs {@code stop} unless {@link #stop} has. */
  StopOnce(String hookName, Runnable stop) {
    this.stop = stop;
    this.hook = new Thread(this::runOnce, hookName);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  boolean isStopped() {
    return stopped.get();
  }

  /** Runs the stop action unless it has run, and removes the hook. Idempotent. */
  void stop() {
    if (stopped.get()) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook is running or will run; it does nothing twice.
    }
    runOnce();
  }

  private void runOnce() {
    if (stopped.compareAndSet(false, true)) {
      stop.run();
    }
  }
}
