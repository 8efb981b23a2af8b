package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;
import org.mcposterior.randomness.KeyedRandom;
import org.mcposterior.stochastic.Noise;

/**
 * A stochastic site on activations: MC dropout and its relatives (see {@link Noise}), with keyed
 * masks (DESIGN.md, invariant 4). Turns per-example input rows into per-sample output rows: the
 * replication of the cached prefix and the mask are one pass.
 *
 * <p>Mask element {@code j} of an example is indexed in DL4J's layout (channels-first for
 * images), whatever the memory order here, so masks do not depend on internal layout choices.
 */
final class NoiseKernel implements Kernel {
  private static final long GAUSS_DOMAIN = 0x5851F42D4C957F2DL;

  private final String layer;
  private final Noise noise;
  private final int site;
  private final int size;
  private final int[] index; // premultiplied canonical element indices, memory order
  private final int[] channelOf; // spatial dropout: channel of each element
  private final int channels;
  private final int[] channelIndex;
  private final int threshold;
  private final float scale;

  NoiseKernel(String layer, Noise noise, int site, Geometry g) {
    this(layer, noise, site, g, 0);
  }

  /**
   * @param spatialDim for spatial dropout, which of {@code g}'s dims (DL4J's per-example dims) is
   *     dropped whole: DL4J's SpatialDropout drops dimension 1 of the array the layer's dropout
   *     sees, which the compiler works out (channels for NCHW and NCW, rows for NHWC, ...)
   */
  NoiseKernel(String layer, Noise noise, int site, Geometry g, int spatialDim) {
    this.layer = layer;
    this.noise = noise;
    this.site = site;
    this.size = g.size();
    int[] dims = g.dims();
    int[] canonical = new int[size];
    int[] group = new int[size];
    if (g.memory() == Geometry.Memory.HWC) {
      int c = g.channels(), h = g.height(), w = g.width();
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          for (int ch = 0; ch < c; ch++) {
            int j = (y * w + x) * c + ch;
            canonical[j] = (ch * h + y) * w + x;
            group[j] = spatialDim == 0 ? ch : spatialDim == 1 ? y : x;
          }
        }
      }
    } else {
      int stride = 1;
      for (int d = dims.length - 1; d > spatialDim; d--) {
        stride *= dims[d];
      }
      int extent = spatialDim < dims.length ? dims[spatialDim] : 1;
      for (int j = 0; j < size; j++) {
        canonical[j] = j;
        group[j] = (j / stride) % extent;
      }
    }
    this.index = KeyedRandom.indexTable(canonical);
    if (noise instanceof Noise.SpatialBernoulli) {
      if (dims.length < 2 || spatialDim < 0 || spatialDim >= dims.length) {
        throw new org.mcposterior.stochastic.UnsupportedLayerException("spatial dropout at layer " + layer
            + " needs channel activations (rank 3 to 5, as in DL4J), got per-example shape " + g);
      }
      this.channelOf = group;
      this.channels = dims[spatialDim];
      this.channelIndex = KeyedRandom.indexTable(channels);
    } else {
      this.channelOf = null;
      this.channels = 0;
      this.channelIndex = null;
    }
    double p = 0;
    if (noise instanceof Noise.Bernoulli b) {
      p = b.p();
    } else if (noise instanceof Noise.SpatialBernoulli s) {
      p = s.p();
    } else if (noise instanceof Noise.Alpha a) {
      p = a.p();
    }
    this.threshold = KeyedRandom.dropThreshold(p);
    this.scale = noise instanceof Noise.Alpha a ? (float) a.a() : (float) (1.0 / (1.0 - p));
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    boolean perExample = inRows[0] != rows;
    int nb = chunk.examples;
    float[] x = runner.floats(0, size);
    float[] f = runner.floats(1, size);
    float[] g = runner.floats(2, size);
    int[] bits = runner.ints(0, Math.max(size, 2 * channels));
    long lastKey = 0;
    boolean haveFactors = false;
    boolean fused = noise instanceof Noise.Bernoulli && chunk.mode != org.mcposterior.randomness.MaskMode.CONSISTENT;
    for (int r = 0; r < rows; r++) {
      int src = perExample ? r % nb : r;
      long key = chunk.streamKey(r, site);
      in[0].copyTo(src * size, x, 0, size);
      if (fused) {
        // one mask per row: draw it and apply it in one pass
        KeyedRandom.applyKeep(key, index, size, threshold, scale, x, 0, bits, f);
      } else {
        if (!haveFactors || key != lastKey) {
          factors(key, bits, f, g, runner);
          lastKey = key;
          haveFactors = true;
        }
        apply(x, f, g);
      }
      out.copyFrom(r * size, x, 0, size);
    }
  }

  private void factors(long key, int[] bits, float[] f, float[] g, PlanRunner runner) {
    if (noise instanceof Noise.Bernoulli) {
      KeyedRandom.keepFactors(key, index, size, threshold, scale, bits, f);
    } else if (noise instanceof Noise.SpatialBernoulli) {
      float[] perChannel = runner.floats(3, channels);
      KeyedRandom.keepFactors(key, channelIndex, channels, threshold, scale, bits, perChannel);
      for (int j = 0; j < size; j++) {
        f[j] = perChannel[channelOf[j]];
      }
    } else if (noise instanceof Noise.Alpha a) {
      KeyedRandom.keepFactors(key, index, size, threshold, 1f, bits, f);
      float dropped = (float) (a.a() * a.alphaPrime() + a.b());
      float kept = (float) a.b();
      for (int j = 0; j < size; j++) {
        g[j] = f[j] != 0f ? kept : dropped;
        f[j] *= scale;
      }
    } else if (noise instanceof Noise.GaussianMultiplicative m) {
      gaussian(key, bits, runner.ints(1, size), f, m.stdev(), 1.0);
    } else if (noise instanceof Noise.GaussianAdditive a) {
      gaussian(key, bits, runner.ints(1, size), g, a.stdev(), 0.0);
    }
  }

  /** {@code out[j] = mean + stdev * z_j}, z standard normal by Box-Muller from two keyed uniforms. */
  private void gaussian(long key, int[] bits, int[] bits2, float[] out, double stdev, double mean) {
    KeyedRandom.elements(key, index, size, bits);
    KeyedRandom.elements(KeyedRandom.mix64(key ^ GAUSS_DOMAIN), index, size, bits2);
    for (int j = 0; j < size; j++) {
      double u1 = ((bits[j] >>> 8) + 0.5) / 16777216.0;
      double u2 = ((bits2[j] >>> 8) + 0.5) / 16777216.0;
      double z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      out[j] = (float) (mean + stdev * z);
    }
  }

  private void apply(float[] x, float[] f, float[] g) {
    if (noise instanceof Noise.GaussianAdditive) {
      for (int j = 0; j < size; j++) {
        x[j] += g[j];
      }
    } else if (noise instanceof Noise.Alpha) {
      for (int j = 0; j < size; j++) {
        x[j] = x[j] * f[j] + g[j];
      }
    } else {
      for (int j = 0; j < size; j++) {
        x[j] *= f[j];
      }
    }
  }

  @Override
  public boolean isStochastic() {
    return true;
  }

  @Override
  public String describe() {
    return "noise " + noise + " site " + site;
  }
}
