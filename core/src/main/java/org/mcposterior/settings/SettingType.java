package org.mcposterior.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * How the values of a setting are written and read: as command-line text ({@link #parse}, {@link
 * #text}) and as a JSON value of a run summary ({@link #toJson}, {@link #fromJson}: a String,
 * Number, Boolean, List or null). For every value {@code v} of the type, {@code fromJson(toJson(v))}
 * equals {@code v} (the summary round trip) and {@code parse(text(v))} equals {@code v} where the
 * value has a text form. Immutable and thread-safe.
 *
 * @param <T> the value type; values are immutable (lists are unmodifiable)
 */
public final class SettingType<T> {
  /** Parses command-line text, throwing {@link InvalidSettingValueException} with what was expected. */
  @FunctionalInterface
  public interface Parser<T> {
    T parse(String text);
  }

  /** A whole number; text errors read as picocli's ({@code 'ten' is not an int}). */
  public static final SettingType<Integer> INT = new SettingType<>(
      t -> number(t, "an int", Integer::valueOf), v -> v, j -> ((Number) json(j, Number.class)).intValue(),
      String::valueOf);
  /** A long whole number. */
  public static final SettingType<Long> LONG = new SettingType<>(
      t -> number(t, "a long", Long::valueOf), v -> v, j -> ((Number) json(j, Number.class)).longValue(),
      String::valueOf);
  /** A finite double. */
  public static final SettingType<Double> DOUBLE = new SettingType<>(
      t -> finite(t, "not a number"), v -> v, j -> ((Number) json(j, Number.class)).doubleValue(), String::valueOf);
  /**
   * A probability that may be unset: NaN means unset (written as JSON null, shown as its empty
   * text); command-line text must be a finite number (its range is the setting's check).
   */
  public static final SettingType<Double> OPTIONAL_PROBABILITY = new SettingType<>(
      t -> finite(t, "not a drop probability; expected a number in (0, 1), e.g. 0.5"),
      v -> Double.isNaN(v) ? null : v, j -> j == null ? Double.NaN : ((Number) json(j, Number.class)).doubleValue(),
      v -> Double.isNaN(v) ? "" : String.valueOf(v));
  /** A yes/no setting; on the command line a flag. */
  public static final SettingType<Boolean> BOOLEAN = new SettingType<>(
      SettingType::bool, v -> v, j -> (Boolean) json(j, Boolean.class), String::valueOf);
  /** Text that may be absent (null). */
  public static final SettingType<String> STRING = new SettingType<>(t -> t, v -> v,
      j -> j == null ? null : (String) json(j, String.class), v -> v == null ? "" : v);
  /** Comma-separated text items, in order. */
  public static final SettingType<List<String>> STRINGS = list(STRING);
  /** Comma-separated whole numbers, in order. */
  public static final SettingType<List<Integer>> INTS = list(INT);
  /** Comma-separated long whole numbers, in order. */
  public static final SettingType<List<Long>> LONGS = list(LONG);
  /** A byte count: digits, optionally with k, m or g (binary multiples), e.g. 256m. */
  public static final SettingType<Long> BYTES = new SettingType<>(SettingType::bytes, v -> v,
      j -> ((Number) json(j, Number.class)).longValue(), String::valueOf);

  private final Parser<T> parser;
  private final Function<T, Object> toJson;
  private final Function<Object, T> fromJson;
  private final Function<T, String> text;

  private SettingType(Parser<T> parser, Function<T, Object> toJson, Function<Object, T> fromJson,
      Function<T, String> text) {
    this.parser = parser;
    this.toJson = toJson;
    this.fromJson = fromJson;
    this.text = text;
  }

  /**
   * A type whose values are written by name: {@code parse} turns a name into a value (throwing
   * {@link IllegalArgumentException} with the names it knows), {@code name} a value into its
   * name; text and JSON are the name.
   */
  public static <T> SettingType<T> named(Parser<T> parse, Function<T, String> name) {
    return new SettingType<>(t -> {
      try {
        return parse.parse(t);
      } catch (InvalidSettingValueException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new InvalidSettingValueException(e.getMessage(), e);
      }
    }, name::apply, j -> j == null ? null : parse.parse((String) json(j, String.class)), name);
  }

  /** Comma-separated values of {@code item}; JSON an array. */
  public static <E> SettingType<List<E>> list(SettingType<E> item) {
    return new SettingType<>(t -> {
      List<E> out = new ArrayList<>();
      for (String part : t.split(",", -1)) {
        out.add(item.parse(part));
      }
      return List.copyOf(out);
    }, v -> v.stream().map(item::toJson).toList(), j -> {
      List<E> out = new ArrayList<>();
      for (Object o : (List<?>) json(j, List.class)) {
        out.add(item.fromJson(o));
      }
      return List.copyOf(out);
    }, v -> String.join(",", v.stream().map(item::text).toList()));
  }

  /** The value of command-line text. @throws InvalidSettingValueException saying what was expected */
  public T parse(String text) {
    return parser.parse(text);
  }

  /** The summary's JSON form of {@code value}. */
  public Object toJson(T value) {
    return toJson.apply(value);
  }

  /** The value of a summary's JSON form. @throws InvalidSettingValueException if it is not one */
  public T fromJson(Object json) {
    try {
      return fromJson.apply(json);
    } catch (ClassCastException | IllegalArgumentException e) {
      throw new InvalidSettingValueException(json + " is not a value of this setting: " + e.getMessage(), e);
    }
  }

  /** The command-line text of {@code value}. */
  public String text(T value) {
    return text.apply(value);
  }

  private static Object json(Object j, Class<?> expected) {
    if (j != null && !expected.isInstance(j)) {
      throw new InvalidSettingValueException(j + " is a " + j.getClass().getSimpleName() + ", expected a "
          + expected.getSimpleName());
    }
    if (j == null && expected != String.class) {
      throw new InvalidSettingValueException("null, expected a " + expected.getSimpleName());
    }
    return j;
  }

  private static <N> N number(String t, String what, Function<String, N> parse) {
    try {
      return parse.apply(t.trim());
    } catch (NumberFormatException e) {
      throw new InvalidSettingValueException("'" + t + "' is not " + what, e);
    }
  }

  /** The finite value of {@code t}, else a refusal reading {@code 't' is <problem>}. */
  private static double finite(String t, String problem) {
    double v;
    try {
      v = Double.parseDouble(t.trim());
    } catch (NumberFormatException e) {
      v = Double.NaN;
    }
    if (!Double.isFinite(v)) {
      throw new InvalidSettingValueException("'" + t + "' is " + problem);
    }
    return v;
  }

  private static Boolean bool(String t) {
    String v = t.trim().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.valueOf(v);
    }
    throw new InvalidSettingValueException("'" + t + "' is not a boolean; expected true or false");
  }

  private static Long bytes(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    long mult = 1;
    if (v.endsWith("k") || v.endsWith("m") || v.endsWith("g")) {
      mult = switch (v.charAt(v.length() - 1)) {
        case 'k' -> 1L << 10;
        case 'm' -> 1L << 20;
        default -> 1L << 30;
      };
      v = v.substring(0, v.length() - 1);
    }
    try {
      return Math.multiplyExact(Long.parseLong(v), mult);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidSettingValueException("'" + value + "' is not a byte count; expected e.g. 268435456, 256m or 1g",
          e);
    }
  }
}
