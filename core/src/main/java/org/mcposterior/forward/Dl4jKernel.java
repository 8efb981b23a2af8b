package org.mcposterior.forward;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.mcposterior.models.Network;
import org.mcposterior.platform.NativeFloats;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs one of DL4J's own layers, graph vertices or input preprocessors in inference mode, on the
 * runner's private copy of the network: every layer DL4J has works, at DL4J's speed. Its own
 * dropout and weight noise stay off ({@code training = false}); the plan's stochastic sites
 * around it supply the MC randomness. A layer compiled for masked sequences takes each row's
 * features mask from the chunk (each example's own, so rows never see their neighbours' masks).
 */
final class Dl4jKernel implements Kernel {
  enum Kind { LAYER, VERTEX, PREPROCESSOR }

  private final Kind kind;
  private final String node;
  private final Geometry[] inputs;
  private final Geometry output;
  private final DataType dataType;
  private final boolean masked;

  /** Runs the layer, the input preprocessor or the graph vertex of node {@code node} (see {@link Network.Node}). */
  Dl4jKernel(Kind kind, String node, Geometry[] inputs, Geometry output, DataType dataType) {
    this(kind, node, inputs, output, dataType, false);
  }

  /**
   * @param masked the layer reads the features mask of the chunk's sequences: it is set on the
   *     layer ({@code feedForwardMaskArray}) for the rows it runs, as DL4J's {@code
   *     MultiLayerNetwork.setLayerMaskArrays} does, and removed afterwards
   */
  Dl4jKernel(Kind kind, String node, Geometry[] inputs, Geometry output, DataType dataType, boolean masked) {
    if (masked && kind != Kind.LAYER) {
      throw new IllegalArgumentException("only layers take a features mask here, not a " + kind + " of node " + node);
    }
    this.kind = kind;
    this.node = node;
    this.inputs = inputs;
    this.output = output;
    this.dataType = dataType;
    this.masked = masked;
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    INDArray[] x = new INDArray[in.length];
    for (int i = 0; i < in.length; i++) {
      int size = inputs[i].size();
      float[] v = new float[rows * size];
      in[i].copyTo(0, v, 0, v.length);
      x[i] = Nd4j.create(v, inputs[i].batchShape(rows), 'c').castTo(dataType);
    }
    INDArray y;
    if (masked) {
      if (chunk.featureMask == null) {
        throw new IllegalStateException("DL4J " + describe() + " was compiled for masked sequences but the chunk has no"
            + " features mask");
      }
      Layer l = runner.network().layer(node);
      // as DL4J's MultiLayerNetwork.setLayerMaskArrays: each layer takes the mask through its own
      // feedForwardMaskArray (which may keep it in its own form), in the Active state
      l.feedForwardMaskArray(Nd4j.create(chunk.maskRows(rows), new long[] {rows, chunk.maskLength}, 'c').castTo(dataType),
          org.deeplearning4j.nn.api.MaskState.Active, rows);
      try {
        y = run(runner.network(), kind, node, x, rows);
      } finally {
        l.setMaskArray(null);
      }
    } else {
      y = run(runner.network(), kind, node, x, rows);
    }
    long expected = (long) rows * output.size();
    if (y.length() != expected) {
      throw new IllegalStateException("DL4J " + describe() + " returned shape " + java.util.Arrays.toString(y.shape())
          + " but the plan expected " + rows + " x " + output);
    }
    float[] res = y.castTo(DataType.FLOAT).dup('c').data().asFloat();
    out.copyFrom(0, res, 0, res.length);
  }

  /** What of its node this kernel runs: the layer, the input preprocessor or the graph vertex. */
  Kind kind() {
    return kind;
  }

  /** Runs node {@code node}'s layer, preprocessor or vertex of {@code net} in inference mode on {@code x}. */
  static INDArray run(Network net, Kind kind, String node, INDArray[] x, int rows) {
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    switch (kind) {
      case LAYER -> {
        Layer l = net.layer(node);
        try {
          return l.activate(x[0], false, mgr);
        } finally {
          l.clear();
        }
      }
      case PREPROCESSOR -> {
        return net.preprocessor(node).preProcess(x[0], rows, mgr);
      }
      default -> {
        if (net.graph().getConfiguration().getVertices().get(node)
            instanceof org.deeplearning4j.nn.conf.graph.PreprocessorVertex pv) {
          // what DL4J's PreprocessorVertex.doForward computes, without its graph.batchSize(), which reads the
          // graph's own inputs (unset here: the plan hands each node its input)
          return pv.getPreProcessor().preProcess(x[0], rows, mgr);
        }
        GraphVertex v = net.vertex(node);
        try {
          for (int i = 0; i < x.length; i++) {
            v.setInput(i, x[i], mgr);
          }
          return v.doForward(false, mgr);
        } finally {
          v.clear();
        }
      }
    }
  }

  @Override
  public String describe() {
    return "DL4J " + kind.name().toLowerCase(java.util.Locale.ROOT) + " of node " + node + (masked ? " (masked)" : "");
  }
}
