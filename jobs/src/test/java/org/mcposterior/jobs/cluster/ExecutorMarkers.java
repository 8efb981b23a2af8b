package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The marker protocol that lets a test kill an executor certainly in the middle of a task: a task
 * writes a file into a marker directory whose whole content is its executor JVM's pid in decimal
 * ({@code ProcessHandle.current().pid()}), written to a temporary (dot-)name and moved into place so
 * it is never read half-written ({@link ClusterSmokeApp} and the product's
 * {@link MarkTaskStarts}, the observer the product's scoring tasks are run with, do this). Stateless.
 */
final class ExecutorMarkers {

  private ExecutorMarkers() {
  }

  /** The executor of the first marker, by file name, whose pid is among {@code running}; empty if none is yet. */
  static Optional<ExecutorProcess> firstMarked(Path markerDirectory, List<ExecutorProcess> running) {
    for (Path marker : RunDirectory.visibleFiles(markerDirectory)) {
      Optional<Long> pid = readPid(marker);
      Optional<ExecutorProcess> hit = running.stream().filter(e -> pid.isPresent() && e.pid() == pid.get()).findFirst();
      if (hit.isPresent()) {
        return hit;
      }
    }
    return Optional.empty();
  }

  private static Optional<Long> readPid(Path marker) {
    try {
      return Optional.of(Long.parseLong(Files.readString(marker, StandardCharsets.UTF_8).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
