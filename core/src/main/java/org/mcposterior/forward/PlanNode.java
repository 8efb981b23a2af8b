package org.mcposterior.forward;

/**
 * A node of a {@link ForwardPlan}: a kernel, the nodes it reads, and its output geometry.
 *
 * @param id index in the plan's topological order
 * @param name DL4J's layer index or vertex name this node came from, for messages and counters
 * @param inputs ids of the nodes read, or empty for a network input
 * @param inputIndex for network inputs, which input; else -1
 * @param kernel the computation (null for network inputs)
 * @param geometry the output activations of one example
 * @param sampled whether the output has one row per sample (true) or per example (false)
 */
public record PlanNode(int id, String name, int[] inputs, int inputIndex, Kernel kernel, Geometry geometry, boolean sampled) {

  public boolean isInput() {
    return inputIndex >= 0;
  }

  @Override
  public String toString() {
    return "#" + id + " " + name + ": " + (kernel == null ? "input" : kernel.describe()) + " -> " + geometry
        + (sampled ? " per sample" : " per example");
  }
}
