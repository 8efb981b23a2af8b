package org.mcposterior.jobs.score;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mcposterior.spark.RawFiles;
import org.mcposterior.spark.RunFormat;

/**
 * An exclusive claim on one output path for the duration of a run: the file {@code <out>.lock}
 * beside it, created atomically (O_EXCL on the local file system, {@code create(overwrite=false)}
 * on HDFS and other Hadoop file systems), holding its format version ({@link RunFormat#CLAIM}), the
 * run's id, host, process id and process start.
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
  private final Path out;
  private final Path file;
  private final Holder self;
  private final ScheduledExecutorService heartbeat;

  private OutputClaim(FileSystem fs, Path out, Holder self) {
    this.fs = fs;
    this.out = out;
    this.file = fileOf(out);
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

  /**
   * Takes the claim, or returns empty when a claim file already exists (alive or not: the caller
   * decides). The file appears whole: its content is written to a private sibling first and linked
   * (local file system) or renamed (Hadoop file systems) into place, an operation that fails when
   * the claim file exists; so a reader never sees half a claim, and a file that does not parse is
   * not a claim.
   */
  static Optional<OutputClaim> tryTake(FileSystem fs, Path out) throws IOException {
    Path file = fileOf(out);
    Holder me = new Holder(UUID.randomUUID().toString(), host(), ProcessHandle.current().pid(), processStart(
        ProcessHandle.current()), Instant.now().toString());
    byte[] content = encode(me);
    Path staged = UserPaths.sibling(out, ".lock-" + me.runId());
    if (RawFiles.isLocal(fs)) {
      java.nio.file.Path s = RawFiles.local(staged);
      Files.write(s, content, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
      try {
        Files.createLink(RawFiles.local(file), s);
      } catch (FileAlreadyExistsException e) {
        return Optional.empty();
      } finally {
        Files.deleteIfExists(s);
      }
    } else {
      try (OutputStream o = fs.create(staged, false)) {
        o.write(content);
      }
      try {
        org.apache.hadoop.fs.FileContext.getFileContext(file.toUri(), fs.getConf()).rename(staged, file,
            org.apache.hadoop.fs.Options.Rename.NONE);
      } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
        return Optional.empty();
      } finally {
        fs.delete(staged, false);
      }
    }
    return Optional.of(new OutputClaim(fs, out, me));
  }

  /**
   * What is at {@code out}'s claim file: nothing (empty), a valid claim (its holder), or a file that
   * is not a claim ({@link NotAClaimException}). Parsed strictly, as untrusted input: every key once,
   * no other key, a run id of the fixed form ({@link org.mcposterior.spark.RunManifest#RUN_ID}), a
   * host name of host-name characters, numbers that are numbers. No path is built from it before
   * it passed.
   */
  static Optional<Holder> holder(FileSystem fs, Path out) throws IOException {
    Path file = fileOf(out);
    byte[] bytes;
    try {
      if (RawFiles.isLocal(fs)) {
        java.nio.file.Path p = RawFiles.local(file);
        if (Files.isSymbolicLink(p) || (Files.exists(p) && !Files.isRegularFile(p))) {
          throw new NotAClaimException(file, "it is not a regular file");
        }
        if (Files.size(p) > 4096) {
          throw new NotAClaimException(file, "it is " + Files.size(p) + " bytes, a claim is a few lines");
        }
        bytes = Files.readAllBytes(p);
      } else {
        if (fs.getFileStatus(file).isDirectory()) {
          throw new NotAClaimException(file, "it is a folder");
        }
        try (InputStream in = fs.open(file)) {
          bytes = in.readNBytes(4097);
        }
      }
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      return Optional.empty();
    }
    return Optional.of(parse(file, bytes));
  }

  private static final java.util.Set<String> KEYS = java.util.Set.of("run", "host", "pid", "process_start", "since");
  /** The line that holds the claim's format version ({@link RunFormat#CLAIM}); absent in claims from before it. */
  private static final String FORMAT = RunFormat.CLAIM.field();

  private static Holder parse(Path file, byte[] bytes) {
    if (bytes.length > 4096) {
      throw new NotAClaimException(file, "it is over 4 KiB, a claim is a few lines");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new NotAClaimException(file, "it is not text");
    }
    java.util.Map<String, String> kv = new java.util.HashMap<>();
    String badLine = null;
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String k = eq < 0 ? line : line.substring(0, eq);
      if (eq < 0 || kv.put(k, line.substring(eq + 1)) != null) {
        throw new NotAClaimException(file, "the line '" + shorten(line) + "' is not one of a claim's");
      }
      if (!KEYS.contains(k) && !k.equals(FORMAT) && badLine == null) {
        badLine = line;
      }
    }
    String format = kv.remove(FORMAT);
    if (format != null) {
      if (!format.matches("[0-9]{1,9}")) {
        throw new NotAClaimException(file, "its format version '" + shorten(format) + "' is not a number");
      }
      // Before the keys: a claim of a newer format may hold other keys, and still be a live run's.
      RunFormat.CLAIM.checkText("the claim file " + file + " beside --out", format);
    }
    if (badLine != null) {
      throw new NotAClaimException(file, "the line '" + shorten(badLine) + "' is not one of a claim's");
    }
    if (!kv.keySet().equals(KEYS)) {
      throw new NotAClaimException(file, "it lacks " + new java.util.TreeSet<>(
          KEYS.stream().filter(k -> !kv.containsKey(k)).toList()));
    }
    if (!org.mcposterior.spark.RunManifest.RUN_ID.matcher(kv.get("run")).matches()) {
      throw new NotAClaimException(file, "its run id '" + shorten(kv.get("run")) + "' is not of the form a run writes");
    }
    if (!kv.get("host").matches("[A-Za-z0-9._-]{1,253}") || !kv.get("pid").matches("[1-9][0-9]{0,18}")
        || !kv.get("process_start").matches("[0-9]{1,19}") || !kv.get("since").matches("[0-9TZ:.+-]{1,40}")) {
      throw new NotAClaimException(file, "its host, pid, process_start or since value is malformed");
    }
    return new Holder(kv.get("run"), kv.get("host"), Long.parseLong(kv.get("pid")),
        Long.parseLong(kv.get("process_start")), kv.get("since"));
  }

  private static String shorten(String s) {
    String t = s.replaceAll("\\p{Cntrl}", "?");
    return t.length() <= 40 ? t : t.substring(0, 37) + "...";
  }

  /** A file at {@code <out>.lock} that is not an mcposterior claim: reported, and left alone. */
  static final class NotAClaimException extends org.mcposterior.spark.InvalidInputException {
    private static final long serialVersionUID = 1L;

    NotAClaimException(Path file, String why) {
      super("the claim file " + file + " beside --out is not an mcposterior claim (" + why + "), so no run is taken to"
          + " hold --out and the file was left as it is; if it is yours, move it or choose another --out, and if it is"
          + " a damaged claim and no mcposterior run writes --out, delete it");
    }
  }

  /** Whether the claim file of {@code out}, held by {@code h}, belongs to a live run. */
  static boolean alive(FileSystem fs, Path out, Holder h) throws IOException {
    if (h.host().equals(host())) {
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

  /** Removes a dead run's claim file, if it still names that run (another run may have taken over meanwhile). */
  static void removeStale(FileSystem fs, Path out, Holder dead) throws IOException {
    Optional<Holder> now = holder(fs, out);
    if (now.isPresent() && now.get().runId().equals(dead.runId())) {
      delete(fs, fileOf(out));
    }
  }

  /**
   * Deletes the claim file; on the local file system through java.nio, since Hadoop's local file
   * system would build a checksum file's path from the name, which fails on a colon.
   */
  private static void delete(FileSystem fs, Path file) throws IOException {
    if (RawFiles.isLocal(fs)) {
      Files.deleteIfExists(RawFiles.local(file));
    } else {
      fs.delete(file, false);
    }
  }

  Holder self() {
    return self;
  }

  /** Whether the claim file still names this run (nobody removed or replaced it). */
  boolean stillOurs() throws IOException {
    try {
      return holder(fs, out).map(h -> h.runId().equals(self.runId())).orElse(false);
    } catch (NotAClaimException e) {
      return false; // replaced by something else: not ours to delete
    }
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
    if (stillOurs()) {
      delete(fs, file);
    }
  }

  private static byte[] encode(Holder h) {
    String s = "# mcposterior: this run is writing the output beside this file; deleted when the run ends\n"
        + FORMAT + "=" + RunFormat.CLAIM.version() + "\n"
        + "run=" + h.runId() + "\nhost=" + h.host() + "\npid=" + h.pid() + "\nprocess_start=" + h.processStart()
        + "\nsince=" + h.since() + "\n";
    return s.getBytes(StandardCharsets.UTF_8);
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
