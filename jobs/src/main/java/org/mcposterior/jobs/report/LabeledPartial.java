package org.mcposterior.jobs.report;

import java.io.Serializable;
import org.mcposterior.evaluation.CalibrationAccumulator;
import org.mcposterior.evaluation.CoverageAccumulator;

/**
 * What one Spark task reduces its labelled rows to: the calibration of the MC mean and of the
 * deterministic network, and accuracy-against-coverage counts for entropy and BALD. Merged on the
 * executors and the driver by {@link #combine}; a few hundred numbers, whatever the pool's size.
 */
final class LabeledPartial implements Serializable {
  private static final long serialVersionUID = 1L;

  final CalibrationAccumulator mc;
  final CalibrationAccumulator deterministic;
  final CoverageAccumulator entropy;
  final CoverageAccumulator bald;

  LabeledPartial(int bins, double[] entropyRange, double[] baldRange, int coverageBins) {
    mc = new CalibrationAccumulator(bins);
    deterministic = new CalibrationAccumulator(bins);
    entropy = new CoverageAccumulator(coverageBins, entropyRange[0], entropyRange[1]);
    bald = new CoverageAccumulator(coverageBins, baldRange[0], baldRange[1]);
  }

  LabeledPartial combine(LabeledPartial o) {
    mc.combine(o.mc);
    deterministic.combine(o.deterministic);
    entropy.combine(o.entropy);
    bald.combine(o.bald);
    return this;
  }
}
