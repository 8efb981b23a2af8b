package org.mcposterior.evaluation;

/**
 * One point of an accuracy-against-coverage curve: keeping the {@code kept} examples whose
 * uncertainty is at most {@code threshold} (a share {@code coverage} of all), their accuracy.
 */
public record CoveragePoint(double threshold, long kept, double coverage, double accuracy) {
}
