package org.mcposterior.spark;

import java.util.List;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.heuristics.UnknownHeuristicException;
import org.mcposterior.randomness.MaskMode;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.Probabilities;

/**
 * Collects {@link ScorerSettings}, starting from the defaults listed there; {@link #build}
 * validates them. Not thread-safe; one builder per value.
 */
public final class ScorerSettingsBuilder {
  int iterations = 20;
  long seed;
  MaskMode maskMode = MaskMode.INDEPENDENT;
  Heuristic heuristic = Heuristic.BALD;
  double beta = 1.0;
  double dropout = Double.NaN;
  double dropConnect = Double.NaN;
  List<String> dropConnectLayers = List.of("Linear");
  Probabilities probabilities = Probabilities.AUTO;
  OutputKind outputKind;
  org.mcposterior.heuristics.Reduction reduction = org.mcposterior.heuristics.Reduction.MEAN;
  int batchSize = 256;
  long memoryBudgetBytes = 256L << 20;
  int iterationShards;
  int partitions;
  int candidates;
  String idColumn = "id";
  String featuresColumn;
  List<String> featureColumns = List.of();
  List<Integer> inputShape = List.of();
  boolean writeSamples;
  boolean skipInvalid;

  ScorerSettingsBuilder() {}

  public ScorerSettingsBuilder iterations(int v) {
    iterations = v;
    return this;
  }

  public ScorerSettingsBuilder seed(long v) {
    seed = v;
    return this;
  }

  public ScorerSettingsBuilder maskMode(MaskMode v) {
    maskMode = v;
    return this;
  }

  public ScorerSettingsBuilder heuristic(Heuristic v) {
    heuristic = v;
    return this;
  }

  /**
   * The heuristic called {@code v} (its snake-case label, case-insensitive; {@link Heuristic#byName}).
   *
   * @throws InvalidSettingsException if no heuristic has that name, listing the names
   */
  public ScorerSettingsBuilder heuristic(String v) {
    try {
      heuristic = Heuristic.byName(v);
    } catch (UnknownHeuristicException e) {
      throw new InvalidSettingsException("--heuristic " + v + " is not known; expected one of " + Heuristic.labels(),
          e);
    }
    return this;
  }

  public ScorerSettingsBuilder beta(double v) {
    beta = v;
    return this;
  }

  /** Drop probability for every dropout layer; NaN keeps each layer's own. */
  public ScorerSettingsBuilder dropout(double v) {
    dropout = v;
    return this;
  }

  /** DropConnect weight-drop probability on the layers of the given types (default {@code Linear}); NaN for none. */
  public ScorerSettingsBuilder dropConnect(double p, List<String> layers) {
    dropConnect = p;
    dropConnectLayers = layers;
    return this;
  }

  public ScorerSettingsBuilder probabilities(Probabilities v) {
    probabilities = v;
    return this;
  }

  /**
   * What the network's output is (see {@link OutputKind}); null (the default) decides it from the
   * output layer ({@code org.mcposterior.models.OutputKinds}).
   */
  /**
   * How scores over the positions of an output with extra dimensions (pixels, labels, anchor boxes)
   * become one per example, as baal's {@code reduction}: mean (the default), sum, max, min, or none
   * (only for outputs with one position).
   */
  public ScorerSettingsBuilder reduction(org.mcposterior.heuristics.Reduction v) {
    reduction = v;
    return this;
  }

  public ScorerSettingsBuilder outputKind(OutputKind v) {
    outputKind = v;
    return this;
  }

  public ScorerSettingsBuilder batchSize(int v) {
    batchSize = v;
    return this;
  }

  public ScorerSettingsBuilder memoryBudgetBytes(long v) {
    memoryBudgetBytes = v;
    return this;
  }

  public ScorerSettingsBuilder iterationShards(int v) {
    iterationShards = v;
    return this;
  }

  public ScorerSettingsBuilder partitions(int v) {
    partitions = v;
    return this;
  }

  public ScorerSettingsBuilder candidates(int v) {
    candidates = v;
    return this;
  }

  public ScorerSettingsBuilder idColumn(String v) {
    idColumn = v;
    return this;
  }

  /** One array or ML-vector column of features (default {@code features}). */
  public ScorerSettingsBuilder featuresColumn(String v) {
    featuresColumn = v;
    return this;
  }

  /** One numeric column per feature, in order, instead of a features column. */
  public ScorerSettingsBuilder featureColumns(List<String> v) {
    featureColumns = v;
    return this;
  }

  public ScorerSettingsBuilder inputShape(List<Integer> v) {
    inputShape = v;
    return this;
  }

  public ScorerSettingsBuilder writeSamples(boolean v) {
    writeSamples = v;
    return this;
  }

  public ScorerSettingsBuilder skipInvalid(boolean v) {
    skipInvalid = v;
    return this;
  }

  /** @throws InvalidSettingsException naming the first invalid setting and what was expected */
  public ScorerSettings build() {
    return new ScorerSettings(this);
  }
}
