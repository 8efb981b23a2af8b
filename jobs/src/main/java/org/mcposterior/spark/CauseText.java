package org.mcposterior.spark;

import java.util.regex.Pattern;

/**
 * The message of an exception that mcposterior did not write (Spark, Hadoop, the JVM), made fit
 * to quote inside a user's paragraph: its first line only, without Java class names ({@code
 * java.io.IOException: }), Spark's error classes ({@code [PATH_NOT_FOUND] }) or SQL states
 * ({@code SQLSTATE: 42K03}). What remains is the part a user can act on ("Path does not exist:
 * file:/data/pool", "No space left on device"). The stack trace and the full text stay in the log.
 */
public final class CauseText {
  /** A qualified class name of a throwable, with the colon that follows it: {@code java.io.IOException: }. */
  private static final Pattern QUALIFIED = Pattern.compile(
      "\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error|Throwable|Failure)\\b(?::\\s*)?");
  /** A simple class name used as a prefix: {@code FileNotFoundException: }. */
  private static final Pattern SIMPLE_PREFIX = Pattern.compile("\\b[A-Z][\\w$]*(?:Exception|Error)\\b:\\s*");
  /** Spark's error class in brackets, upper case with underscores: {@code [CANNOT_READ_FILE_FOOTER] }. */
  private static final Pattern ERROR_CLASS = Pattern.compile("\\[[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?:\\.[A-Z0-9_]+)*]\\s*");
  private static final Pattern SQL_STATE = Pattern.compile("\\s*SQLSTATE:\\s*[0-9A-Z]{5}\\.?");

  private CauseText() {}

  /** The cleaned first line of {@code t}'s message, or its kind in words when it has none. */
  public static String of(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? "no details given" : clean(m);
  }

  /** {@code message} without class names, error classes and SQL states; its first line only. */
  public static String clean(String message) {
    if (message == null) {
      return "no details given";
    }
    String s = message.strip();
    int nl = s.indexOf('\n');
    s = nl < 0 ? s : s.substring(0, nl);
    s = SQL_STATE.matcher(s).replaceAll("");
    s = ERROR_CLASS.matcher(s).replaceAll("");
    s = QUALIFIED.matcher(s).replaceAll("");
    s = SIMPLE_PREFIX.matcher(s).replaceAll("");
    s = s.replaceAll("\\s+", " ").strip();
    return s.isEmpty() ? "no details given" : s;
  }
}
