package org.mcposterior.stats;

import java.util.Locale;

/**
 * What a network's output is, which decides how its samples become something to score (see {@link
 * OutputView}) and which scores exist (see {@code Heuristic.fitting} in the heuristics package). Samples always keep baal's
 * layout {@code [N, outputs..., T]}; the kind says how to read the {@code outputs...}:
 *
 * <ul>
 *   <li>{@link #CLASSES}: one class distribution {@code [C]}, {@code C >= 2} (softmax, or logits
 *       converted as the {@link Probabilities} setting says);
 *   <li>{@link #BINARY}: a single sigmoid {@code [1]}, read as two classes {@code [1 - p, p]}: the
 *       only output the two-class rule applies to;
 *   <li>{@link #MULTI_LABEL}: independent sigmoids, each value its own Bernoulli variable {@code
 *       [1 - p, p]} (baal: BALD and entropy per label, then reduced over the labels);
 *   <li>{@link #PER_POSITION}: a map {@code [C, d1, ...]} with a class distribution over the
 *       channel dimension {@code C >= 2} at every position (segmentation softmax, per-time-step
 *       softmax), or {@code C = 1}, a sigmoid per position read as two classes per position;
 *       scores per position, then reduced;
 *   <li>{@link #REGRESSION}: plain values, never converted to probabilities; only the variance
 *       (per value, then reduced) means anything;
 *   <li>{@link #DETECTION}: DL4J's {@code Yolo2OutputLayer} output {@code [B (5 + C), H, W]}: for
 *       every anchor box {@code b} and grid cell, channels {@code b (5 + C) + 5 ..} are a softmax
 *       over the {@code C} classes; those are scored per (box, cell), then reduced. Box
 *       coordinates and confidences are not scored.
 * </ul>
 */
public enum OutputKind {
  CLASSES("classes"),
  BINARY("binary"),
  MULTI_LABEL("multi-label"),
  PER_POSITION("per-position"),
  REGRESSION("regression"),
  DETECTION("detection");

  private final String label;

  OutputKind(String label) {
    this.label = label;
  }

  /** The kind's name on the command line and in summaries: classes, binary, multi-label, ... */
  public String label() {
    return label;
  }

  /** Whether the scored view is a class distribution at every position (all kinds but regression). */
  public boolean isDistribution() {
    return this != REGRESSION;
  }

  /** Whether an example has one predicted class (classes, binary): the kinds with one distribution. */
  public boolean hasOnePrediction() {
    return this == CLASSES || this == BINARY;
  }

  /**
   * The kind called {@code name} (case-insensitive; {@code multi_label} and {@code multi-label}
   * alike).
   *
   * @throws OutputKindException naming the value and the kinds
   */
  public static OutputKind byName(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (OutputKind k : values()) {
      if (k.label.equals(n)) {
        return k;
      }
    }
    throw new OutputKindException("unknown output kind '" + name + "': expected one of classes, binary,"
        + " multi-label, per-position, regression, detection (or auto to decide from the output layer)");
  }

  @Override
  public String toString() {
    return label;
  }
}
