package org.mcposterior.jobs;

import java.util.List;
import java.util.function.BiConsumer;
import org.mcposterior.settings.InvalidSettingValueException;
import org.mcposterior.settings.Setting;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * The command-line options of declared {@link Setting}s: {@link #add} gives a command one option
 * per declaration (its name, help with the default, and a converter that reads the value as the
 * setting's type does), and {@link #given} hands back the values the user gave. An option not
 * given leaves its setting at the builder's default, which is the declaration's, so the help, the
 * builder and the summary cannot disagree on a default.
 */
public final class SettingOptions {
  private SettingOptions() {}

  /** Adds an option to {@code spec} for every setting of {@code declared} that has one. */
  public static CommandSpec add(CommandSpec spec, List<? extends Setting<?>> declared) {
    for (Setting<?> s : declared) {
      if (s.option() != null && !spec.optionsMap().containsKey(s.option())) {
        spec.addOption(option(s));
      }
    }
    return spec;
  }

  private static <T> OptionSpec option(Setting<T> s) {
    String help = s.description();
    String dflt = s.defaultText();
    if (!dflt.isEmpty() && !s.isFlag()) {
      help = (help.endsWith(".") ? help.substring(0, help.length() - 1) : help) + " (default " + dflt + ").";
    }
    OptionSpec.Builder b = OptionSpec.builder(s.option()).description(help);
    if (s.isFlag()) {
      return b.arity("0").type(boolean.class).build();
    }
    ITypeConverter<T> converter = text -> {
      try {
        return s.type().parse(text);
      } catch (InvalidSettingValueException e) {
        throw new TypeConversionException(e.getMessage());
      }
    };
    return b.arity("1").paramLabel("<" + s.key() + ">").type(String.class).converters(converter).build();
  }

  /**
   * Calls {@code set} with each setting of {@code declared} whose option the parsed command line
   * of {@code spec} holds, and its value (a flag's {@link Setting#flagValue}); when an option is
   * given twice, the last value.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void given(CommandSpec spec, List<? extends Setting<?>> declared, BiConsumer<Setting, Object> set) {
    ParseResult parsed = spec.commandLine().getParseResult();
    for (Setting<?> s : declared) {
      if (s.option() != null && parsed.hasMatchedOption(s.option())) {
        set.accept(s, s.isFlag() ? s.flagValue() : parsed.matchedOptionValue(s.option(), null));
      }
    }
  }
}
