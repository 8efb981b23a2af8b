package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import org.mcposterior.jobs.Main;
import org.mcposterior.spark.RunObserver;

/**
 * Each scoring task, as it starts sampling, announces itself the {@link ExecutorMarkers} way: its
 * executor JVM's pid in a new file of the marker directory (written under a dot-name, then moved
 * into place), so a test can kill an executor that is certainly in the middle of a task. Travels to
 * the executors with the tasks (it is a {@link RunObserver}), so the test application jar that holds
 * it must be on their class path.
 *
 * <p>Also the test application's entry point: {@code MarkTaskStarts <marker dir> <mcposterior
 * arguments>} runs the product's command line with this observer, and exits as its {@code main} does.
 */
public final class MarkTaskStarts implements RunObserver {
  private static final long serialVersionUID = 1L;

  private final String dir;

  MarkTaskStarts(String dir) {
    this.dir = dir;
  }

  public static void main(String[] args) {
    Main.runAndExit(new MarkTaskStarts(args[0]), Arrays.copyOfRange(args, 1, args.length));
  }

  /** {@code args} of the product's command line behind the marker directory, as {@link #main} takes them. */
  static String[] args(Path markers, String... mcposteriorArgs) {
    String[] a = new String[mcposteriorArgs.length + 1];
    a[0] = markers.toString();
    System.arraycopy(mcposteriorArgs, 0, a, 1, mcposteriorArgs.length);
    return a;
  }

  @Override
  public void taskStarted() {
    try {
      Path d = Files.createDirectories(Path.of(dir));
      String name = ProcessHandle.current().pid() + "-" + System.nanoTime();
      Path tmp = d.resolve("." + name);
      Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()));
      Files.move(tmp, d.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the task marker into " + dir, e);
    }
  }
}
