package org.mcposterior.spark;

import java.util.List;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.heuristics.Reduction;
import org.mcposterior.randomness.MaskMode;
import org.mcposterior.settings.Setting;
import org.mcposterior.settings.SettingValues;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.Probabilities;

/**
 * Collects {@link ScorerSettings}, starting from the defaults of its declarations ({@link
 * ScorerSettings#DECLARED}); {@link #build} validates them. The named methods are shorthands of
 * {@link #set}. Not thread-safe; one builder per value.
 */
public final class ScorerSettingsBuilder {
  private SettingValues values;

  ScorerSettingsBuilder() {
    this(SettingValues.defaults(ScorerSettings.DECLARED));
  }

  ScorerSettingsBuilder(SettingValues values) {
    this.values = values;
  }

  /** Sets one declared setting. */
  public <T> ScorerSettingsBuilder set(Setting<T> setting, T value) {
    values = values.with(setting, value);
    return this;
  }

  public ScorerSettingsBuilder iterations(int v) {
    return set(ScorerSettings.ITERATIONS, v);
  }

  public ScorerSettingsBuilder seed(long v) {
    return set(ScorerSettings.SEED, v);
  }

  public ScorerSettingsBuilder maskMode(MaskMode v) {
    return set(ScorerSettings.MASK_MODE, v);
  }

  public ScorerSettingsBuilder heuristic(Heuristic v) {
    return set(ScorerSettings.HEURISTIC, v);
  }

  /**
   * The heuristic by its snake-case name (any case).
   *
   * @throws InvalidSettingsException if no heuristic has that name, listing the names
   */
  public ScorerSettingsBuilder heuristic(String v) {
    try {
      return heuristic(v == null ? null : ScorerSettings.HEURISTIC.type().parse(v));
    } catch (org.mcposterior.settings.InvalidSettingValueException e) {
      throw new InvalidSettingsException(e.getMessage(), e);
    }
  }

  public ScorerSettingsBuilder beta(double v) {
    return set(ScorerSettings.BETA, v);
  }

  /** Drop probability for every dropout layer; NaN keeps each layer's own. */
  public ScorerSettingsBuilder dropout(double v) {
    return set(ScorerSettings.DROPOUT, v);
  }

  /** DropConnect weight-drop probability on the layers of the given types (default {@code Linear}); NaN for none. */
  public ScorerSettingsBuilder dropConnect(double p, List<String> layers) {
    return set(ScorerSettings.DROPCONNECT, p).set(ScorerSettings.DROPCONNECT_LAYERS,
        layers == null ? List.of() : List.copyOf(layers));
  }

  public ScorerSettingsBuilder probabilities(Probabilities v) {
    return set(ScorerSettings.PROBABILITIES, v);
  }

  /**
   * How scores over the positions of an output with extra dimensions (pixels, labels, anchor boxes)
   * become one per example, as baal's {@code reduction}: mean (the default), sum, max, min, or none
   * (only for outputs with one position).
   */
  public ScorerSettingsBuilder reduction(Reduction v) {
    return set(ScorerSettings.REDUCTION, v);
  }

  /**
   * What the network's output is (see {@link OutputKind}); null (the default) decides it from the
   * output layer ({@code org.mcposterior.models.OutputKinds}).
   */
  public ScorerSettingsBuilder outputKind(OutputKind v) {
    return set(ScorerSettings.OUTPUT_KIND, v);
  }

  public ScorerSettingsBuilder batchSize(int v) {
    return set(ScorerSettings.BATCH_SIZE, v);
  }

  public ScorerSettingsBuilder memoryBudgetBytes(long v) {
    return set(ScorerSettings.MEMORY_BUDGET, v);
  }

  public ScorerSettingsBuilder iterationShards(int v) {
    return set(ScorerSettings.ITERATION_SHARDS, v);
  }

  public ScorerSettingsBuilder partitions(int v) {
    return set(ScorerSettings.PARTITIONS, v);
  }

  public ScorerSettingsBuilder candidates(int v) {
    return set(ScorerSettings.CANDIDATES, v);
  }

  public ScorerSettingsBuilder idColumn(String v) {
    return set(ScorerSettings.ID_COLUMN, v);
  }

  /** One array or ML-vector column of features (default {@code features}). */
  public ScorerSettingsBuilder featuresColumn(String v) {
    return set(ScorerSettings.FEATURES_COLUMN, v);
  }

  /** One numeric column per feature, in order, instead of a features column. */
  public ScorerSettingsBuilder featureColumns(List<String> v) {
    return set(ScorerSettings.FEATURE_COLUMNS, v == null ? List.of() : List.copyOf(v));
  }

  public ScorerSettingsBuilder inputShape(List<Integer> v) {
    return set(ScorerSettings.INPUT_SHAPE, v == null ? List.of() : List.copyOf(v));
  }

  public ScorerSettingsBuilder writeSamples(boolean v) {
    return set(ScorerSettings.WRITE_SAMPLES, v);
  }

  public ScorerSettingsBuilder skipInvalid(boolean v) {
    return set(ScorerSettings.SKIP_INVALID, v);
  }

  /** @throws InvalidSettingsException naming the first invalid setting and what was expected */
  public ScorerSettings build() {
    return new ScorerSettings(values);
  }
}
