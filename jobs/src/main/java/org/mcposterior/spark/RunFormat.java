package org.mcposterior.spark;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mcposterior.platform.BuildInfo;

/**
 * Every file a run writes that mcposterior later reads back, with the format version this build
 * writes and the versions it reads: the one place those numbers are declared, and the one check
 * every reader makes before it reads anything else of such a file (DataSketches' rule: a stored
 * image carries a version checked before it is read).
 *
 * <p>A file of a version this build does not read (written by a newer mcposterior) is refused with
 * one paragraph: the file, the version found, the versions read here, and the fix (an mcposterior
 * at least as new as the one that wrote it). A version that is not a positive whole number is no
 * mcposterior's and is refused as damaged.
 *
 * <p>Files from before versions were written carry no version. Each format says what that means:
 * the summaries, the steps file, claims and markers are read as version 1, since version 1 is
 * exactly their unversioned content with the version added (steps.json: the bare list of steps,
 * now under {@code "steps"}); the manifest always had its {@code "version"}, so a manifest without
 * one is not a manifest. The resume key records its version among its entries, which a resume
 * compares whole: a key of another version is never reused.
 *
 * <p>When a format changes, raise its version here, keep reading the old ones (or stop, and say so
 * in the Javadoc of the reader), and add a test with a file of the old version.
 */
public enum RunFormat {
  /** {@code summary.json} of a score, sample or learn output (read by report, {@code learn --merge}). */
  SUMMARY("summary.json", "a run summary", "format_version", 1, true),
  /** {@code steps.json} of a learn output (read by {@code learn --merge}). */
  STEPS("steps.json", "a learn steps file", "format_version", 1, true),
  /** {@code manifest.json} of every output (read by readers, {@code --overwrite} and leftover recognition). */
  MANIFEST(RunManifest.FILE, "an output manifest", "version", 1, false),
  /** The claim file {@code <out>.lock} (read by every other run on the same {@code --out}). */
  CLAIM("<out>.lock", "a claim file", "format", 1, true),
  /** The marker in a run's temporary folder (read by the next run on the same {@code --out}). */
  MARKER("_MCPOSTERIOR_RUN", "a temporary-output marker", "format", 1, true),
  /** The resume key in a run's temporary folder (compared whole by the next run; see the class comment). */
  RESUME_KEY("_MCPOSTERIOR_RESUME", "a resume key", "resume key format", 1, true);

  private final String file;
  private final String kind;
  private final String field;
  private final int version;
  private final boolean unversionedIsVersion1;

  RunFormat(String file, String kind, String field, int version, boolean unversionedIsVersion1) {
    this.file = file;
    this.kind = kind;
    this.field = field;
    this.version = version;
    this.unversionedIsVersion1 = unversionedIsVersion1;
  }

  /** The version this build writes (and the newest it reads). */
  public int version() {
    return version;
  }

  /** The field (JSON) or key ({@code key=value} files) that holds the version. */
  public String field() {
    return field;
  }

  /** The file's name, for messages. */
  public String file() {
    return file;
  }

  /**
   * The first entries of a JSON file of this format: the format version and the versions of
   * mcposterior and Deeplearning4j that wrote it ({@link BuildInfo}).
   */
  public Map<String, Object> header() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(field, version);
    m.put("versions", BuildInfo.versions());
    return m;
  }

  /**
   * The version of a JSON file of this format, checked: {@code root}'s {@link #field()}.
   *
   * @param where how messages name the file, e.g. {@code --scores /data/run/summary.json}
   * @throws UnsupportedFormatException for a version this build does not read
   */
  public int check(String where, JsonNode root) {
    JsonNode v = root == null || !root.isObject() ? null : root.get(field);
    if (v == null || v.isNull()) {
      return unversioned(where);
    }
    return check(where, v.isIntegralNumber() && v.canConvertToInt() ? Integer.valueOf(v.asInt()) : v.toString());
  }

  /** {@link #check(String, JsonNode)} for a JSON object read as a map. */
  public int check(String where, Map<?, ?> root) {
    Object v = root.get(field);
    if (v == null) {
      return unversioned(where);
    }
    return check(where, v instanceof Integer || v instanceof Long ? Integer.valueOf(((Number) v).intValue()) : v);
  }

  /** {@link #check(String, JsonNode)} for a {@code key=value} file: {@code value} is the version's text, or null. */
  public int checkText(String where, String value) {
    if (value == null) {
      return unversioned(where);
    }
    return check(where, value.matches("[0-9]{1,9}") ? Integer.valueOf(value) : value);
  }

  private int check(String where, Object found) {
    if (!(found instanceof Integer n) || n < 1) {
      throw new UnsupportedFormatException(where + " has format version " + abbreviate(String.valueOf(found))
          + ", which no mcposterior writes (" + kind + "'s version is a whole number from 1): the file is damaged or"
          + " not mcposterior's, and nothing was read from it; make it again with the command that wrote it");
    }
    if (n > version) {
      throw new UnsupportedFormatException(where + " is " + kind + " in format version " + n + ", written by a newer"
          + " mcposterior; this mcposterior (" + BuildInfo.version() + ") reads " + kind + " in "
          + (version == 1 ? "version 1" : "versions 1 to " + version) + " only, so nothing was read from it: use"
          + " the mcposterior version that wrote it, or a newer one");
    }
    return n;
  }

  private int unversioned(String where) {
    if (unversionedIsVersion1) {
      return 1;
    }
    throw new UnsupportedFormatException(where + " has no \"" + field + "\", which every mcposterior writes into "
        + kind + ": the file is damaged or not mcposterior's, and nothing was read from it; make it again with the"
        + " command that wrote it");
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
