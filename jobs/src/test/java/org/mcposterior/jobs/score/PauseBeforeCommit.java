package org.mcposterior.jobs.score;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.mcposterior.jobs.Main;
import org.mcposterior.spark.RunObserver;

/**
 * A run that stops before its commit until the test lets it go: when the whole output is written
 * and the claim held, it creates {@code <dir>/paused} (holding the JVM's pid) and waits (at most
 * five minutes) for {@code <dir>/resume}, so a test can act at that point (start a second run, make
 * a folder at {@code --out}, SIGKILL the driver). Changes no result.
 *
 * <p>Also the test-only entry point that installs it in a JVM started through bin/mcposterior
 * ({@link Launcher#wrapping}): {@code PauseBeforeCommit <dir> <mcposterior arguments>}.
 */
final class PauseBeforeCommit implements RunObserver {
  private static final long serialVersionUID = 1L;

  private final String dir;

  PauseBeforeCommit(Path dir) {
    this.dir = dir.toString();
  }

  public static void main(String[] args) {
    Main.runAndExit(new PauseBeforeCommit(Path.of(args[0])), Arrays.copyOfRange(args, 1, args.length));
  }

  @Override
  public void beforeCommit() throws IOException {
    Path d = Files.createDirectories(Path.of(dir));
    Files.writeString(d.resolve("paused"), Long.toString(ProcessHandle.current().pid()));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!Files.exists(d.resolve("resume")) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while paused before the commit");
      }
    }
  }
}
