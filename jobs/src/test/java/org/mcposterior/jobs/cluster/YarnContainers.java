package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An application's containers as the one NodeManager (in this JVM) runs them: their logs on the
 * node and the executor JVMs among this JVM's descendants. Thread-safe.
 */
final class YarnContainers {

  static final String EXECUTOR_CLASS = "org.apache.spark.executor.YarnCoarseGrainedExecutorBackend";

  private final Supplier<List<Path>> logDirectories;

  YarnContainers(Supplier<List<Path>> logDirectories) {
    this.logDirectories = logDirectories;
  }

  /** The standard error of every container of an application, by container id (the ApplicationMaster's ends in {@code _000001}). */
  Map<String, String> stderr(String appId) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Path dir : logDirectories.get()) {
      Path app = dir.resolve(appId);
      if (!Files.isDirectory(app)) {
        continue;
      }
      try (Stream<Path> s = Files.list(app)) {
        for (Path c : s.sorted().collect(Collectors.toList())) {
          out.put(c.getFileName().toString(), Logs.read(c.resolve("stderr")));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** The driver's log in cluster mode: the ApplicationMaster container's standard error. */
  String driverLog(String appId) {
    return stderr(appId).entrySet().stream().filter(e -> e.getKey().endsWith("_000001"))
        .map(Map.Entry::getValue).findFirst().orElse("(no ApplicationMaster container log for " + appId + " in "
            + logDirectories.get() + ")");
  }

  /** Executor JVMs of an application running now (their command lines name it). */
  List<ExecutorProcess> executors(String appId) {
    String idDigits = appId.replace("application_", "");
    List<ExecutorProcess> out = new ArrayList<>();
    ProcessHandle.current().descendants().forEach(ph -> {
      List<String> cmd = ProcessTrees.commandLine(ph.pid());
      if (cmd.contains(EXECUTOR_CLASS) && cmd.stream().anyMatch(s -> s.contains(idDigits))) {
        out.add(new ExecutorProcess(ph.pid(), appId, ProcessTrees.argumentAfter(cmd, "--executor-id"), 0));
      }
    });
    return out;
  }
}
