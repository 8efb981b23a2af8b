/**
 * Settings declared once: each {@link org.mcposterior.settings.Setting} carries its summary key,
 * command-line option, label, default, text and JSON forms and its check, and an immutable {@link
 * org.mcposterior.settings.SettingValues} holds one value per declared setting. The builders of the
 * jobs' settings, their command-line options, the run summary's {@code settings} block and its
 * reader all follow from the declarations (Spark ML's {@code Param} with {@code
 * DefaultParamsWriter}/{@code DefaultParamsReader}), so a new setting is one edit.
 */
package org.mcposterior.settings;
