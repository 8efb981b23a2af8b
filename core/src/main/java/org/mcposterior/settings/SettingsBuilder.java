package org.mcposterior.settings;

import java.util.List;
import java.util.function.Function;

/**
 * Collects the values of a list of declared settings, starting from their defaults, and builds the
 * settings value that holds them ({@code make}, which validates them). One builder for every
 * settings type made of one {@link SettingValues}. Not thread-safe; one builder per value.
 *
 * @param <S> the settings value built
 */
public final class SettingsBuilder<S> {
  private final Function<SettingValues, S> make;
  private SettingValues values;

  private SettingsBuilder(SettingValues values, Function<SettingValues, S> make) {
    this.values = values;
    this.make = make;
  }

  /** A builder holding the defaults of {@code declared}. */
  public static <S> SettingsBuilder<S> of(List<? extends Setting<?>> declared, Function<SettingValues, S> make) {
    return new SettingsBuilder<>(SettingValues.defaults(declared), make);
  }

  /** A builder holding {@code values}, to change some and build a new value. */
  public static <S> SettingsBuilder<S> from(SettingValues values, Function<SettingValues, S> make) {
    return new SettingsBuilder<>(values, make);
  }

  /** Sets one declared setting. @throws IllegalArgumentException if it is not one of the declared settings */
  public <T> SettingsBuilder<S> set(Setting<T> setting, T value) {
    values = values.with(setting, value);
    return this;
  }

  /** The settings value; its constructor checks the values and names the first invalid one. */
  public S build() {
    return make.apply(values);
  }
}
