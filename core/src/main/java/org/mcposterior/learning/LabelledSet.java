package org.mcposterior.learning;

/**
 * The labelled set a step's model was trained on.
 *
 * @param positions pool positions, in the order they were labelled
 * @param classCounts how many of them are of each class
 */
public record LabelledSet(int[] positions, int[] classCounts) {
  /** How many examples are labelled. */
  public int size() {
    return positions.length;
  }
}
