package org.mcposterior.stats;

/**
 * A partial result that merges with another one of the same kind, in the shape of Apache Commons
 * Statistics' {@code StatisticAccumulator.combine}: {@code combine} adds {@code other} into
 * {@code this} and returns {@code this}, so it drops into {@code Stream.collect} and Spark's
 * {@code aggregate} / {@code reduceByKey}.
 *
 * <p>Contract (tested once for every implementation by a shared contract test): combining is
 * associative and commutative up to floating-point rounding (and exactly symmetric: {@code
 * a.combine(b)} and {@code b.combine(a)} hold the same bits); an empty partial is the identity;
 * combining a partial with itself is refused (DataSketches' rule: it would silently double-count);
 * {@code other} is never modified.
 *
 * @param <T> the implementing type
 */
public interface Mergeable<T extends Mergeable<T>> {

  /**
   * Adds {@code other} into this partial result.
   *
   * @return {@code this}
   * @throws IncompatibleMomentsException if {@code other} is {@code this} or has another shape
   */
  T combine(T other);

  /** Whether nothing has been accumulated yet (the identity of {@link #combine}). */
  boolean isEmpty();
}
