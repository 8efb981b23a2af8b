package org.mcposterior.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The manifest of a run's output folder (DESIGN.md, invariant 8): {@value #FILE} at its top, with
 * the format version, the run id, the command, and every file and folder the run wrote, each file
 * with its size and SHA-256. A folder is an earlier mcposterior output only when its manifest is
 * valid and matches its content exactly: no entry missing, none added, no file changed. That is
 * what {@code --overwrite} may replace, and what readers ({@code report}, {@code learn --merge},
 * {@link ScoredOutput}) accept; a file name alone ({@code summary.json}) proves nothing.
 *
 * <p>Invariants: paths are relative, {@code /}-separated, never empty, {@code .} or {@code ..}; the
 * manifest does not list itself; symbolic links are never written by a run, so one found inside a
 * folder makes it not an output. On the local file system the folder is walked with java.nio
 * (Hadoop's listing fails on names with a colon), elsewhere with the Hadoop file system.
 *
 * <p>Immutable and thread-safe.
 */
public final class RunManifest {
  /** The manifest's file name, at the top of an output folder. */
  public static final String FILE = "manifest.json";
  /** A run id: a UUID in its canonical lower-case form, nothing else (claims and markers are checked against it). */
  public static final Pattern RUN_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final String FORMAT = "mcposterior-output-manifest";

  /** One file: relative path, bytes, SHA-256 in lower-case hex. */
  public record Entry(String path, long size, String sha256) {}

  /**
   * The outcome of checking a folder: its manifest when the folder matches it, else what is wrong;
   * {@code unsupported} is set when the manifest is of a format version this build does not read
   * ({@link RunFormat#MANIFEST}), whose paragraph readers throw as it is.
   */
  public record Check(RunManifest manifest, String problem, UnsupportedFormatException unsupported) {
    Check(RunManifest manifest, String problem) {
      this(manifest, problem, null);
    }

    public boolean valid() {
      return manifest != null;
    }
  }

  private final String runId;
  private final String command;
  private final Map<String, Entry> files;
  private final Set<String> folders;

  private RunManifest(String runId, String command, Map<String, Entry> files, Set<String> folders) {
    this.runId = runId;
    this.command = command;
    this.files = files;
    this.folders = folders;
  }

  public String runId() {
    return runId;
  }

  /** The command that wrote the output: score, sample, learn. */
  public String command() {
    return command;
  }

  /** The files, by relative path, in path order. */
  public Map<String, Entry> files() {
    return java.util.Collections.unmodifiableMap(files);
  }

  /**
   * The manifest of what {@code dir} holds now (everything but {@code exclude} and the manifest
   * itself), hashing every file.
   *
   * @throws IOException when the folder cannot be read, or holds a symbolic link
   */
  public static RunManifest of(FileSystem fs, Path dir, String runId, String command, Set<String> exclude)
      throws IOException {
    requireRunId(runId);
    Listing l = list(fs, dir);
    if (!l.links.isEmpty()) {
      throw new IOException("the output " + dir + " holds a symbolic link, " + l.links.get(0) + ", which no run writes");
    }
    Map<String, Entry> files = new TreeMap<>();
    for (Map.Entry<String, Long> f : l.files.entrySet()) {
      if (!f.getKey().equals(FILE) && !exclude.contains(f.getKey())) {
        files.put(f.getKey(), new Entry(f.getKey(), f.getValue(), sha256(fs, dir, f.getKey())));
      }
    }
    return new RunManifest(runId, command, files, new TreeSet<>(l.folders));
  }

  /** Writes this manifest as {@code dir/}{@value #FILE} (replacing one there). */
  public void write(FileSystem fs, Path dir) throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("format", FORMAT);
    root.put(RunFormat.MANIFEST.field(), RunFormat.MANIFEST.version());
    root.put("run", runId);
    root.put("command", command);
    ArrayNode fl = root.putArray("files");
    for (Entry e : files.values()) {
      fl.addObject().put("path", e.path()).put("size", e.size()).put("sha256", e.sha256());
    }
    ArrayNode dl = root.putArray("folders");
    folders.forEach(dl::add);
    RawFiles.write(fs, RawFiles.child(dir, FILE), json.writeValueAsBytes(root));
  }

  /**
   * Checks that {@code dir} is a complete mcposterior output: a valid manifest of a known version
   * that matches the folder's content exactly (file set, folder set, sizes, checksums).
   * Never throws for what it finds; only for a folder it cannot read at all.
   */
  public static Check check(FileSystem fs, Path dir) throws IOException {
    Path mf = RawFiles.child(dir, FILE);
    if (!RawFiles.isFile(fs, mf)) {
      return new Check(null, "it has no " + FILE + ", the list of files an mcposterior run writes into its output");
    }
    RunManifest m;
    try {
      m = parse(fs, mf);
    } catch (UnsupportedFormatException e) {
      return new Check(null, "its " + FILE + " is not a valid mcposterior manifest (" + e.getMessage() + ")", e);
    } catch (IllegalArgumentException e) {
      return new Check(null, "its " + FILE + " is not a valid mcposterior manifest (" + e.getMessage() + ")");
    }
    Listing l = list(fs, dir);
    if (!l.links.isEmpty()) {
      return new Check(null, "it holds " + l.links.get(0) + ", a symbolic link, which no run writes");
    }
    for (String f : l.files.keySet()) {
      if (!f.equals(FILE) && !m.files.containsKey(f)) {
        return new Check(null, "it holds " + f + ", which the run did not write (not in its " + FILE + ")");
      }
    }
    for (String d : l.folders) {
      if (!m.folders.contains(d)) {
        return new Check(null, "it holds the folder " + d + ", which the run did not write (not in its " + FILE + ")");
      }
    }
    for (String d : m.folders) {
      if (!l.folders.contains(d)) {
        return new Check(null, "its folder " + d + " is missing (listed in its " + FILE + ")");
      }
    }
    for (Entry e : m.files.values()) {
      Long size = l.files.get(e.path());
      if (size == null) {
        return new Check(null, "its file " + e.path() + " is missing (listed in its " + FILE + ")");
      }
      if (size != e.size()) {
        return new Check(null, "its file " + e.path() + " was changed since the run wrote it (" + size + " bytes, "
            + e.size() + " written)");
      }
    }
    for (Entry e : m.files.values()) {
      if (!sha256(fs, dir, e.path()).equals(e.sha256())) {
        return new Check(null, "its file " + e.path() + " was changed since the run wrote it (its checksum differs)");
      }
    }
    return new Check(m, null);
  }

  /** What a complete output of each command holds besides its manifest, for messages. */
  private static final Map<String, String> CONTENTS = Map.of("score", "scores/, top_k/, summary.json", "learn",
      "summary.json, steps.json, steps/", "sample", "samples/, stats/, summary.json");

  /**
   * The manifest of {@code dir}, which must be a complete output of the {@code command} command
   * exactly as its run wrote it (the check readers make before they read anything of it).
   *
   * @param name how messages name the folder, e.g. {@code --scores /data/run}
   * @throws InvalidInputException naming what is missing, added or changed, or the other command,
   *     and the fix
   */
  public static RunManifest require(FileSystem fs, Path dir, String command, String name) throws IOException {
    String expected = "expected the --out folder of a finished " + command + " run";
    if (!RawFiles.isDirectory(fs, dir)) {
      throw new InvalidInputException(name + " is not a folder" + (RawFiles.exists(fs, dir) ? "" : " (it does not exist)")
          + "; " + expected);
    }
    Check c = check(fs, dir);
    if (c.unsupported() != null) {
      throw c.unsupported();
    }
    if (!c.valid()) {
      throw new InvalidInputException(name + " is not a " + command + " output as its run left it: " + c.problem()
          + "; nothing was read from it: give the --out folder of a finished " + command + " run, unchanged ("
          + CONTENTS.getOrDefault(command, "its files") + " and " + FILE + "), or rerun that command to make it again");
    }
    if (!c.manifest().command().equals(command)) {
      throw new InvalidInputException(name + " is the output of a " + c.manifest().command() + " run; " + expected);
    }
    return c.manifest();
  }

  /** Reads and validates a manifest file strictly; no path is built from its content before it is validated. */
  private static RunManifest parse(FileSystem fs, Path mf) throws IOException {
    JsonNode root;
    try (InputStream in = RawFiles.open(fs, mf)) {
      root = new ObjectMapper().readTree(in);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON");
    }
    if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
      throw new IllegalArgumentException("no \"format\": \"" + FORMAT + "\"");
    }
    RunFormat.MANIFEST.check(mf.toString(), root);
    String run = root.path("run").asText();
    if (!RUN_ID.matcher(run).matches()) {
      throw new IllegalArgumentException("run id '" + abbreviate(run) + "' is not of the form a run writes");
    }
    if (!root.path("files").isArray() || !root.path("folders").isArray()) {
      throw new IllegalArgumentException("no list of files and folders");
    }
    Map<String, Entry> files = new TreeMap<>();
    for (JsonNode f : root.path("files")) {
      String p = f.path("path").asText();
      String sum = f.path("sha256").asText();
      if (!relative(p) || !f.path("size").canConvertToLong() || f.path("size").asLong() < 0
          || !sum.matches("[0-9a-f]{64}") || files.containsKey(p)) {
        throw new IllegalArgumentException("a file entry is malformed: " + abbreviate(f.toString()));
      }
      files.put(p, new Entry(p, f.path("size").asLong(), sum));
    }
    Set<String> folders = new TreeSet<>();
    for (JsonNode d : root.path("folders")) {
      if (!relative(d.asText()) || !folders.add(d.asText())) {
        throw new IllegalArgumentException("a folder entry is malformed: " + abbreviate(d.toString()));
      }
    }
    return new RunManifest(run, root.path("command").asText(), files, folders);
  }

  private static boolean relative(String p) {
    if (p.isEmpty() || p.startsWith("/") || p.endsWith("/") || p.contains("\\") || p.contains("\0")) {
      return false;
    }
    for (String part : p.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** Files (relative path -> size), folders and symbolic links below {@code dir}. */
  private record Listing(Map<String, Long> files, Set<String> folders, List<String> links) {}

  private static Listing list(FileSystem fs, Path dir) throws IOException {
    Map<String, Long> files = new TreeMap<>();
    Set<String> folders = new TreeSet<>();
    List<String> links = new ArrayList<>();
    if (RawFiles.isLocal(fs)) {
      java.nio.file.Path root = RawFiles.local(dir);
      try (Stream<java.nio.file.Path> all = Files.walk(root)) {
        for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) all::iterator) {
          if (p.equals(root)) {
            continue;
          }
          String rel = root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (a.isSymbolicLink() || a.isOther()) {
            links.add(rel);
          } else if (a.isDirectory()) {
            folders.add(rel);
          } else {
            files.put(rel, a.size());
          }
        }
      }
    } else {
      walk(fs, dir, "", files, folders, links);
    }
    return new Listing(files, folders, links);
  }

  private static void walk(FileSystem fs, Path dir, String prefix, Map<String, Long> files, Set<String> folders,
      List<String> links) throws IOException {
    for (FileStatus st : fs.listStatus(dir)) {
      String rel = prefix + st.getPath().getName();
      if (st.isSymlink()) {
        links.add(rel);
      } else if (st.isDirectory()) {
        folders.add(rel);
        walk(fs, st.getPath(), rel + "/", files, folders, links);
      } else {
        files.put(rel, st.getLen());
      }
    }
  }

  private static String sha256(FileSystem fs, Path dir, String rel) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = RawFiles.open(fs, RawFiles.child(dir, rel))) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void requireRunId(String runId) {
    if (!RUN_ID.matcher(runId).matches()) {
      throw new IllegalArgumentException("not a run id: " + runId);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
