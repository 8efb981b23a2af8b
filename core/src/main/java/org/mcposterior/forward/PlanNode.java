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
 * @param source the DL4J node this plan node was compiled for ({@code Network.Node#name()}: a
 *     MultiLayerNetwork's layer index or a graph's vertex or input name), whether it runs the
 *     node's layer, its input preprocessor, its vertex, or the noise and layout steps around them;
 *     null for steps after the last node (the outputs' layout)
 */
public record PlanNode(int id, String name, int[] inputs, int inputIndex, Kernel kernel, Geometry geometry, boolean sampled,
    String source) {

  public boolean isInput() {
    return inputIndex >= 0;
  }

  /**
   * What of its DL4J node this plan node hands to DL4J's own code ({@link Dl4jKernel}, the
   * fallback): {@code "layer"}, {@code "vertex"} or {@code "preprocessor"}; null when a native
   * kernel runs it (and for inputs). With {@link #source()} this says, for every DL4J layer,
   * vertex and preprocessor, whether the plan runs it natively or through DL4J.
   */
  public String dl4jPart() {
    return kernel instanceof Dl4jKernel k ? k.kind().name().toLowerCase(java.util.Locale.ROOT) : null;
  }

  @Override
  public String toString() {
    return "#" + id + " " + name + ": " + (kernel == null ? "input" : kernel.describe()) + " -> " + geometry
        + (sampled ? " per sample" : " per example");
  }
}
