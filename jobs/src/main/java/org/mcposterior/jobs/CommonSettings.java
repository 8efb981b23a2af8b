package org.mcposterior.jobs;

import org.mcposterior.settings.Setting;
import org.mcposterior.settings.SettingType;

/**
 * The settings every command that writes an output shares, declared once: where it writes,
 * whether it may replace what is there, and the Spark master. Each command's settings list them
 * among its own declarations.
 */
public final class CommonSettings {
  private CommonSettings() {}

  public static final Setting<String> OUT = Setting.of("out", SettingType.STRING, null).option("--out")
      .label("Output").describe("Output directory.")
      .check(v -> v != null && !v.isBlank(), v -> "--out is required: the output directory").build();
  public static final Setting<Boolean> OVERWRITE = Setting.of("overwrite", SettingType.BOOLEAN, false)
      .option("--overwrite").label("Overwrite").flag(true)
      .describe("Replace an existing --out once the new output is complete.").build();
  public static final Setting<String> MASTER = Setting.of("master", SettingType.STRING, null).option("--master")
      .label("Spark master").defaultText("local[*]")
      .describe("Spark master when not run by spark-submit.").build();
}
