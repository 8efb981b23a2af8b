package org.mcposterior.jobs.score;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An exclusive claim on one output path for the duration of a run: the file {@code <out>.lock}
 * beside it, created atomically (O_EXCL on the local file system, {@code create(overwrite=false)}
 * on HDFS and other Hadoop file systems), holding the run's id, host, process id and process start.
 *
 * <p>A claim is alive while its process is (same host: the process id exists and started when the
 * claim says, so a reused pid does not count) or, for a claim from another host, while its
 * heartbeat (the file's modification time, renewed every {@value #HEARTBEAT_SECONDS} s) is younger
 * than {@value #STALE_SECONDS} s. Anything else is the claim of a dead run, which the next run
 * recognises and takes over after cleaning that run's leftovers.
 */
final class OutputClaim implements AutoCloseable {
  static final int HEARTBEAT_SECONDS = 10;
  static final int STALE_SECONDS = 60;

  /** The recorded holder of a claim. */
  record Holder(String runId, String host, long pid, long processStart, String since) {
    String describe() {
      return "process " + pid + " on " + host + ", since " + since;
    }
  }

  private final FileSystem fs;
  private final Path file;
  private final Holder self;
  private final ScheduledExecutorService heartbeat;

  private OutputClaim(FileSystem fs, Path file, Holder self) {
    this.fs = fs;
    this.file = file;
    this.self = self;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mcposterior-output-claim");
      t.setDaemon(true);
      return t;
    });
    heartbeat.scheduleAtFixedRate(this::touch, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
  }

  /** The claim file of {@code out}. */
  static Path fileOf(Path out) {
    return UserPaths.sibling(out, ".lock");
  }

  /** Takes the claim, or returns empty when the file already exists (alive or not: the caller decides). */
  static Optional<OutputClaim> tryTake(FileSystem fs, Path out) throws IOException {
    Path file = fileOf(out);
    Holder me = new Holder(UUID.randomUUID().toString(), host(), ProcessHandle.current().pid(), processStart(
        ProcessHandle.current()), Instant.now().toString());
    byte[] content = encode(me);
    if (isLocal(fs)) {
      java.nio.file.Path p = java.nio.file.Path.of(file.toUri());
      try {
        Files.write(p, content, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException e) {
        return Optional.empty();
      }
    } else {
      try (OutputStream o = fs.create(file, false)) {
        o.write(content);
      } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
        return Optional.empty();
      }
    }
    return Optional.of(new OutputClaim(fs, file, me));
  }

  /** The holder recorded in {@code out}'s claim file, or empty when there is none or it cannot be parsed yet. */
  static Optional<Holder> holder(FileSystem fs, Path out) throws IOException {
    Path file = fileOf(out);
    byte[] bytes;
    try {
      if (isLocal(fs)) {
        bytes = Files.readAllBytes(java.nio.file.Path.of(file.toUri()));
      } else {
        try (InputStream in = fs.open(file)) {
          bytes = in.readAllBytes();
        }
      }
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      return Optional.empty();
    }
    Properties p = new Properties();
    p.load(new java.io.StringReader(new String(bytes, StandardCharsets.UTF_8)));
    if (p.getProperty("run") == null || p.getProperty("pid") == null) {
      return Optional.empty();
    }
    return Optional.of(new Holder(p.getProperty("run"), p.getProperty("host", "?"),
        Long.parseLong(p.getProperty("pid")), Long.parseLong(p.getProperty("process_start", "0")),
        p.getProperty("since", "?")));
  }

  /** Whether the claim file of {@code out} (held by {@code h}, or not yet readable when null) belongs to a live run. */
  static boolean alive(FileSystem fs, Path out, Holder h) throws IOException {
    if (h != null && h.host().equals(host())) {
      Optional<ProcessHandle> p = ProcessHandle.of(h.pid());
      return p.isPresent() && p.get().isAlive() && processStart(p.get()) == h.processStart();
    }
    try {
      long age = System.currentTimeMillis() - fs.getFileStatus(fileOf(out)).getModificationTime();
      return age < STALE_SECONDS * 1000L;
    } catch (java.io.FileNotFoundException e) {
      return false;
    }
  }

  /** Removes a dead run's claim file. */
  static void removeStale(FileSystem fs, Path out) throws IOException {
    delete(fs, fileOf(out));
  }

  /**
   * Deletes the claim file; on the local file system through java.nio, since Hadoop's local file
   * system would build a checksum file's path from the name, which fails on a colon.
   */
  private static void delete(FileSystem fs, Path file) throws IOException {
    if (isLocal(fs)) {
      Files.deleteIfExists(java.nio.file.Path.of(file.toUri()));
    } else {
      fs.delete(file, false);
    }
  }

  Holder self() {
    return self;
  }

  /** Whether the claim file still names this run (nobody removed or replaced it). */
  boolean stillOurs(Path out) throws IOException {
    return holder(fs, out).map(h -> h.runId().equals(self.runId())).orElse(false);
  }

  private void touch() {
    try {
      fs.setTimes(file, System.currentTimeMillis(), -1);
    } catch (IOException e) {
      // The heartbeat only matters to runs on other hosts; the commit re-checks ownership itself.
      org.slf4j.LoggerFactory.getLogger(OutputClaim.class).warn("cannot renew the claim {}: {}", file, e.getMessage());
    }
  }

  /** Releases the claim (deletes the claim file if it still names this run). */
  @Override
  public void close() throws IOException {
    heartbeat.shutdownNow();
    URI u = file.toUri();
    Path out = new Path(u.getScheme(), u.getAuthority(), u.getPath().substring(0, u.getPath().length() - ".lock".length()));
    if (stillOurs(out)) {
      delete(fs, file);
    }
  }

  private static byte[] encode(Holder h) {
    String s = "# mcposterior: this run is writing the output beside this file; deleted when the run ends\n"
        + "run=" + h.runId() + "\nhost=" + h.host() + "\npid=" + h.pid() + "\nprocess_start=" + h.processStart()
        + "\nsince=" + h.since() + "\n";
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static boolean isLocal(FileSystem fs) {
    return "file".equals(fs.getUri().getScheme());
  }

  private static long processStart(ProcessHandle p) {
    return p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }
}
