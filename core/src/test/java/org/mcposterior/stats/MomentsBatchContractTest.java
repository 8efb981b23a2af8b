package org.mcposterior.stats;

import org.mcposterior.testsupport.MergeableContract;

/** {@link MomentsBatch} (five examples) against the shared mergeable contract. */
class MomentsBatchContractTest extends MergeableContract<MomentsBatch> {

  @Override
  protected MomentsBatch whole(Samples samples) {
    return MomentsBatch.of(samples, Probabilities.AUTO);
  }

  @Override
  protected MomentsBatch empty(Samples samples) {
    return MomentsBatch.empty(samples.batchSize(), samples.outputShape());
  }

  @Override
  protected int batchSize() {
    return 5;
  }

  @Override
  protected byte[] encode(MomentsBatch value) {
    return MomentsCodec.encode(value);
  }

  @Override
  protected MomentsBatch decode(byte[] bytes) {
    return MomentsCodec.decodeBatch(bytes);
  }

  @Override
  protected double[] numbers(MomentsBatch value) {
    double[] all = new double[0];
    for (int n = 0; n < value.batchSize(); n++) {
      double[] one = MomentsTestSupport.numbers(value.example(n));
      double[] next = java.util.Arrays.copyOf(all, all.length + one.length);
      System.arraycopy(one, 0, next, all.length, one.length);
      all = next;
    }
    return all;
  }
}
