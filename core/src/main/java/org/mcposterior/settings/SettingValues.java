package org.mcposterior.settings;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One value for each of a list of declared {@link Setting}s, keyed by the setting's summary key:
 * immutable and serializable (it travels to Spark executors inside the scorer's settings), so its
 * values are immutable serializable values (numbers, strings, booleans, enums, unmodifiable lists).
 * Two values are equal when every setting has an equal value (boxed doubles: NaN equals NaN).
 *
 * <p>Written to a run summary with {@link #toJson} and read back with {@link #fromJson}; for every
 * declared list and values, {@code fromJson(v.toJson(list), list).equals(v)}.
 */
public final class SettingValues implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, Object> values;

  private SettingValues(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /** Every setting of {@code declared} at its default. */
  public static SettingValues defaults(List<? extends Setting<?>> declared) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Setting<?> s : declared) {
      if (m.containsKey(s.key())) {
        throw new IllegalArgumentException("setting " + s.key() + " is declared twice");
      }
      m.put(s.key(), s.defaultValue());
    }
    return new SettingValues(m);
  }

  /** The value of {@code s}. @throws IllegalArgumentException if {@code s} is not one of these settings */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> s) {
    if (!values.containsKey(s.key())) {
      throw new IllegalArgumentException("setting " + s.key() + " is not one of " + values.keySet());
    }
    return (T) values.get(s.key());
  }

  /** These values with {@code s} set to {@code value}. */
  public <T> SettingValues with(Setting<T> s, T value) {
    if (!values.containsKey(s.key())) {
      throw new IllegalArgumentException("setting " + s.key() + " is not one of " + values.keySet());
    }
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.put(s.key(), value);
    return new SettingValues(m);
  }

  /** The first problem of a value in {@code declared}'s order (see {@link Setting#problem}), or null. */
  public String firstProblem(List<? extends Setting<?>> declared) {
    for (Setting<?> s : declared) {
      String p = problem(s);
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  private <T> String problem(Setting<T> s) {
    return s.problem(get(s));
  }

  /**
   * The summary's form: an ordered map from each key to its JSON value, settings with a {@link
   * Setting#section} in a nested map under it.
   */
  public Map<String, Object> toJson(List<? extends Setting<?>> declared) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Setting<?> s : declared) {
      put(m, s);
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  private <T> void put(Map<String, Object> m, Setting<T> s) {
    Map<String, Object> into = m;
    if (s.section() != null) {
      into = (Map<String, Object>) m.computeIfAbsent(s.section(), k -> new LinkedHashMap<String, Object>());
    }
    into.put(s.key(), s.type().toJson(get(s)));
  }

  /**
   * The values a summary's settings block holds ({@link #toJson}); a setting it lacks (a run from
   * before the setting existed, when it behaved as its default) takes its default, and keys it has
   * beyond {@code declared} are not read.
   *
   * @throws InvalidSettingValueException naming the key whose value is not of its type
   */
  public static SettingValues fromJson(Map<?, ?> json, List<? extends Setting<?>> declared) {
    SettingValues v = defaults(declared);
    Map<String, Object> m = new LinkedHashMap<>(v.values);
    for (Setting<?> s : declared) {
      Map<?, ?> from = json;
      if (s.section() != null) {
        from = json.get(s.section()) instanceof Map<?, ?> sub ? sub : Map.of();
      }
      if (from.containsKey(s.key())) {
        try {
          m.put(s.key(), s.type().fromJson(from.get(s.key())));
        } catch (InvalidSettingValueException e) {
          throw new InvalidSettingValueException("setting " + s.key() + ": " + e.getMessage(), e);
        }
      }
    }
    return new SettingValues(m);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SettingValues v && values.equals(v.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
