package org.mcposterior.learning;

/**
 * What one step picked to label next.
 *
 * @param picked pool positions picked, best first (empty after the last step)
 * @param classCounts how many of the picks are of each class
 * @param seconds wall time of the step scorer (0 after the last step)
 */
public record Query(int[] picked, int[] classCounts, double seconds) {}
