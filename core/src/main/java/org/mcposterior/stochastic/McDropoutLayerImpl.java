package org.mcposterior.stochastic;

import java.util.concurrent.atomic.AtomicLong;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.mcposterior.randomness.KeyedRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer behind {@link McDropoutLayer}: inverted dropout in training and at inference.
 *
 * <p>At inference the mask of call {@code c}, example row {@code r}, element {@code j} is
 * {@link KeyedRandom} stream {@code (seed, r, c, layerIndex)}: two calls differ, a fresh network
 * with the same seed repeats the same sequence. Not thread-safe, like every DL4J layer.
 */
public class McDropoutLayerImpl extends org.deeplearning4j.nn.layers.DropoutLayer {
  private static final long serialVersionUID = 1L;

  private final AtomicLong calls = new AtomicLong();

  public McDropoutLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    if (training) {
      return super.activate(true, workspaceMgr);
    }
    assertInputSet(false);
    McDropoutLayer c = (McDropoutLayer) layerConf();
    double p = c.getDropProbability();
    long call = calls.getAndIncrement();
    INDArray in = input.dup('c');
    int rows = (int) in.size(0);
    int perRow = (int) (in.length() / Math.max(1, rows));
    float[] factors = new float[Math.max(1, rows * perRow)];
    int[] index = KeyedRandom.indexTable(perRow);
    int[] bits = new int[perRow];
    float[] row = new float[perRow];
    int threshold = KeyedRandom.dropThreshold(p);
    float scale = (float) (1.0 / (1.0 - p));
    for (int r = 0; r < rows; r++) {
      long key = KeyedRandom.streamKey(c.getSeed(), r, call, getIndex());
      KeyedRandom.keepFactors(key, index, perRow, threshold, scale, bits, row);
      System.arraycopy(row, 0, factors, r * perRow, perRow);
    }
    INDArray mask = Nd4j.create(factors, in.shape(), 'c').castTo(in.dataType());
    INDArray out = in.muli(mask);
    if (maskArray != null) {
      out.muliColumnVector(maskArray);
    }
    return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, out);
  }
}
