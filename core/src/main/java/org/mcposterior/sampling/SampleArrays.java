package org.mcposterior.sampling;

import org.mcposterior.stats.Samples;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Conversions between {@link Samples} (plain floats, no nd4j) and nd4j's INDArray, kept on the
 * sampling side so that {@code stats} and {@code heuristics} need neither nd4j nor the sampler.
 * Both directions copy: the result shares no memory with the argument.
 */
public final class SampleArrays {
  private SampleArrays() {}

  /** Samples from an INDArray of rank >= 3 whose last dimension is the iterations (any data type, read as float). */
  public static Samples of(INDArray samples) {
    long[] s = samples.shape();
    int[] shape = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      shape[i] = Math.toIntExact(s[i]);
    }
    return Samples.wrap(samples.castTo(DataType.FLOAT).dup('c').data().asFloat(), shape);
  }

  /** The samples as a new float INDArray of the same shape {@code [batch, outputs..., iterations]}. */
  public static INDArray toINDArray(Samples samples) {
    int[] shape = samples.shape();
    long[] s = new long[shape.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = shape[i];
    }
    return Nd4j.create(samples.toFloatArray(), s, 'c');
  }
}
