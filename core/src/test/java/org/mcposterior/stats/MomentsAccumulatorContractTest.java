package org.mcposterior.stats;

import org.mcposterior.testsupport.MergeableContract;

/** {@link MomentsAccumulator} (one example) against the shared mergeable contract. */
class MomentsAccumulatorContractTest extends MergeableContract<MomentsAccumulator> {

  @Override
  protected MomentsAccumulator whole(Samples samples) {
    return MomentsAccumulator.of(samples, 0, Probabilities.AUTO);
  }

  @Override
  protected MomentsAccumulator empty(Samples samples) {
    return MomentsAccumulator.empty(samples.outputShape());
  }

  @Override
  protected int batchSize() {
    return 1;
  }

  @Override
  protected byte[] encode(MomentsAccumulator value) {
    return MomentsCodec.encode(value.get());
  }

  @Override
  protected MomentsAccumulator decode(byte[] bytes) {
    return MomentsAccumulator.of(MomentsCodec.decodeMoments(bytes));
  }

  @Override
  protected double[] numbers(MomentsAccumulator value) {
    return MomentsTestSupport.numbers(value.get());
  }
}
