package org.mcposterior.forward;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.mcposterior.models.Network;

/**
 * A network compiled for MC inference: nodes in topological order, each a {@link Kernel} with its
 * output {@link Geometry}, and for each node whether it runs once per example (the deterministic
 * prefix, before any stochastic site) or once per sample.
 *
 * <p>Built by {@link PlanCompiler} from a {@code StochasticNetwork} and the inputs' shapes.
 * Immutable and thread-safe; each thread runs it through its own {@link PlanRunner}.
 */
public final class ForwardPlan {
  private final Network network;
  private final List<PlanNode> nodes;
  private final int[] inputNodes;
  private final int[] outputNodes;
  private final int sites;
  private final boolean cachedPrefix;
  private final int maskLength;

  ForwardPlan(Network network, List<PlanNode> nodes, int[] inputNodes, int[] outputNodes, int sites, boolean cachedPrefix,
      int maskLength) {
    this.maskLength = maskLength;
    this.network = network;
    this.nodes = Collections.unmodifiableList(new ArrayList<>(nodes));
    this.inputNodes = inputNodes.clone();
    this.outputNodes = outputNodes.clone();
    this.sites = sites;
    this.cachedPrefix = cachedPrefix;
  }

  public List<PlanNode> nodes() {
    return nodes;
  }

  Network network() {
    return network;
  }

  public PlanNode inputNode(int input) {
    return nodes.get(inputNodes[input]);
  }

  public int numInputs() {
    return inputNodes.length;
  }

  public int numOutputs() {
    return outputNodes.length;
  }

  /** The node holding network output {@code k} (in DL4J's memory order). */
  public PlanNode outputNode(int k) {
    return nodes.get(outputNodes[k]);
  }

  /**
   * Time steps per example of the features mask this plan was compiled for (the sequence length
   * of input 0), or 0 when it takes no mask.
   */
  public int maskLength() {
    return maskLength;
  }

  /** Number of stochastic sites (dropout sites and DropConnect layers). */
  public int stochasticSites() {
    return sites;
  }

  /** Whether layers before the first stochastic site run once per example (true) or once per sample. */
  public boolean cachedPrefix() {
    return cachedPrefix;
  }

  /** Floats of activations held per example for the per-example nodes. */
  public long floatsPerExample() {
    long s = 0;
    for (PlanNode n : nodes) {
      if (!n.sampled()) {
        s += n.geometry().size();
      }
    }
    return s;
  }

  /** Floats of activations held per sample (example x iteration) for the per-sample nodes. */
  public long floatsPerSample() {
    long s = 0;
    for (PlanNode n : nodes) {
      if (n.sampled()) {
        s += n.geometry().size();
        if (!n.isInput() && !n.kernel().expandsRows()) {
          for (int in : n.inputs()) {
            if (!nodes.get(in).sampled()) {
              s += nodes.get(in).geometry().size();
            }
          }
        }
      }
    }
    return s;
  }

  /** Largest native scratch any kernel needs for {@code rows} rows. */
  public long scratchFloats(int rows) {
    long m = 0;
    for (PlanNode n : nodes) {
      if (!n.isInput()) {
        m = Math.max(m, n.kernel().scratchFloats(rows));
      }
    }
    return m;
  }

  /** Multiply-add FLOPs of dense and convolution kernels for one example (prefix) and one sample (suffix). */
  public long[] flops() {
    long perExample = 0, perSample = 0;
    for (PlanNode n : nodes) {
      long f = 0;
      if (n.kernel() instanceof DenseKernel d) {
        f = d.flopsPerRow();
      } else if (n.kernel() instanceof ConvKernel c) {
        f = c.flopsPerRow();
      } else if (n.kernel() instanceof SeparableConvKernel c) {
        f = c.flopsPerRow();
      }
      if (n.sampled()) {
        perSample += f;
      } else {
        perExample += f;
      }
    }
    return new long[] {perExample, perSample};
  }

  /** A runner for one thread; {@code dropConnectCacheBytes} bounds the DropConnect-masked weights it keeps, all layers together (see {@code PlanRunner.maskedWeights}). */
  public PlanRunner newRunner(long dropConnectCacheBytes) {
    return new PlanRunner(this, dropConnectCacheBytes);
  }

  /** Human-readable listing, one node per line. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (PlanNode n : nodes) {
      sb.append(n).append(" <- ").append(Arrays.toString(n.inputs())).append('\n');
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "ForwardPlan(" + nodes.size() + " nodes, " + sites + " stochastic sites, prefix "
        + (cachedPrefix ? "cached" : "per sample") + ")";
  }
}
