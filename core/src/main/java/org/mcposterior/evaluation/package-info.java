/**
 * How good a posterior is, and what it looks like: equal-width histograms, calibration (expected
 * calibration error, reliability bins, negative log-likelihood, accuracy) and accuracy against
 * coverage when the most uncertain examples are set aside. Every statistic has a mergeable
 * accumulator, so a Spark job can reduce a pool of any size on its executors and send only the
 * bins to the driver; the result types are small and immutable.
 */
package org.mcposterior.evaluation;
