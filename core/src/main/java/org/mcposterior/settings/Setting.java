package org.mcposterior.settings;

import java.util.Objects;
import java.util.function.Function;

/**
 * One setting, declared once: its summary key, its command-line option, a label for people (the
 * report's run table), its default, its {@link SettingType} and its check. Everything else about a
 * setting (the builder's default, the command-line option and its help, the summary's entry and
 * its reading back, the report's row) follows from this declaration.
 *
 * <p>A check sees one value; rules between settings (e.g. iteration shards at most the
 * iterations) belong to the value that holds them together. Immutable and thread-safe.
 *
 * @param <T> the value type
 */
public final class Setting<T> {
  /** Says what is wrong with a value, or null when it is valid. */
  @FunctionalInterface
  public interface Check<T> {
    String problem(T value);
  }

  private final String key;
  private final String option;
  private final String label;
  private final String unit;
  private final String section;
  private final String description;
  private final String defaultText;
  private final T defaultValue;
  private final SettingType<T> type;
  private final Check<T> check;
  private final T flagValue;

  private Setting(Builder<T> b) {
    key = Objects.requireNonNull(b.key);
    option = b.option;
    label = b.label != null ? b.label : key.replace('_', ' ');
    unit = b.unit;
    section = b.section;
    description = b.description;
    defaultText = b.defaultText;
    defaultValue = b.defaultValue;
    type = Objects.requireNonNull(b.type);
    check = b.check;
    flagValue = b.flagValue;
  }

  /** Starts a declaration: the summary key (snake case), the type and the default. */
  public static <T> Builder<T> of(String key, SettingType<T> type, T defaultValue) {
    Builder<T> b = new Builder<>();
    b.key = key;
    b.type = type;
    b.defaultValue = defaultValue;
    return b;
  }

  /** The same setting with another default (e.g. {@code sample}'s 10000 iterations against {@code score}'s 20). */
  public Setting<T> withDefault(T value, String text) {
    Builder<T> b = toBuilder();
    b.defaultValue = value;
    b.defaultText = text;
    return b.build();
  }

  /** The same setting with another description (for a command where it means something narrower). */
  public Setting<T> describedAs(String text) {
    Builder<T> b = toBuilder();
    b.description = text;
    return b.build();
  }

  /** The same setting with another check (null: every value is valid), for a command where it is optional. */
  public Setting<T> withCheck(Check<T> c) {
    Builder<T> b = toBuilder();
    b.check = c;
    return b.build();
  }

  private Builder<T> toBuilder() {
    Builder<T> b = new Builder<>();
    b.key = key;
    b.option = option;
    b.label = label;
    b.unit = unit;
    b.section = section;
    b.description = description;
    b.defaultText = defaultText;
    b.defaultValue = defaultValue;
    b.type = type;
    b.check = check;
    b.flagValue = flagValue;
    return b;
  }

  /** The key in a run summary's settings (snake case). */
  public String key() {
    return key;
  }

  /** The command-line option, e.g. {@code --iterations}, or null for a setting only the API sets. */
  public String option() {
    return option;
  }

  /** What a person calls it, e.g. "Iterations". */
  public String label() {
    return label;
  }

  /** The unit of its values ("bytes", "examples"), or null. */
  public String unit() {
    return unit;
  }

  /** The summary block it is written in under the settings (e.g. {@code training}), or null for the top level. */
  public String section() {
    return section;
  }

  /** The command-line help, without the default. */
  public String description() {
    return description;
  }

  /** The default as the help shows it: its own text, or the default value's text; empty for none. */
  public String defaultText() {
    return defaultText != null ? defaultText : type.text(defaultValue);
  }

  public T defaultValue() {
    return defaultValue;
  }

  public SettingType<T> type() {
    return type;
  }

  /** Whether the option is a flag (no value): given, it sets {@link #flagValue}. */
  public boolean isFlag() {
    return flagValue != null;
  }

  /** The value a flag sets when given. */
  public T flagValue() {
    return flagValue;
  }

  /** What is wrong with {@code value} for this setting, or null when it is valid. */
  public String problem(T value) {
    return check == null ? null : check.problem(value);
  }

  @Override
  public String toString() {
    return option != null ? option : key;
  }

  /** Collects a declaration; {@link #build} makes it. */
  public static final class Builder<T> {
    private String key;
    private String option;
    private String label;
    private String unit;
    private String section;
    private String description = "";
    private String defaultText;
    private T defaultValue;
    private SettingType<T> type;
    private Check<T> check;
    private T flagValue;

    private Builder() {}

    public Builder<T> option(String v) {
      option = v;
      return this;
    }

    public Builder<T> label(String v) {
      label = v;
      return this;
    }

    public Builder<T> unit(String v) {
      unit = v;
      return this;
    }

    public Builder<T> section(String v) {
      section = v;
      return this;
    }

    public Builder<T> describe(String v) {
      description = v;
      return this;
    }

    /** The default as the help shows it, when the value's text would not say it (e.g. "each layer's own"). */
    public Builder<T> defaultText(String v) {
      defaultText = v;
      return this;
    }

    public Builder<T> check(Check<T> v) {
      check = v;
      return this;
    }

    /** A check by predicate, with the message for a value that fails it. */
    public Builder<T> check(java.util.function.Predicate<T> ok, Function<T, String> message) {
      check = v -> ok.test(v) ? null : message.apply(v);
      return this;
    }

    /** The option is a flag: given, it sets {@code value}. */
    public Builder<T> flag(T value) {
      flagValue = value;
      return this;
    }

    public Setting<T> build() {
      return new Setting<>(this);
    }
  }
}
