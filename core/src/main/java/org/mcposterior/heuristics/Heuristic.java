package org.mcposterior.heuristics;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mcposterior.stats.OutputKind;

/**
 * The acquisition heuristics this project knows, as one closed set (Commons Statistics names its
 * statistics the same way, with its {@code Statistic} enum): everything the command line, the
 * scoring job, its files and its report need to know of a heuristic is declared here, once per
 * heuristic, and nothing outside this type spells a heuristic's name or branches on one.
 *
 * <p>Per heuristic:
 * <ul>
 *   <li>{@link #label()}: its snake-case name on the command line and in summaries ({@link
 *       #byName} reads it back, case-insensitive);
 *   <li>{@link #scoreColumn()}: the score column a scoring run writes for it, for the five
 *       moment-based scores (bald, entropy, variance, margin, certainty, in that order: {@link
 *       #scored()}); the others write none and rank by {@link #priority};
 *   <li>{@link #isJoint()}: whether it picks a batch jointly from consistent-mask samples
 *       (BatchBALD, EPIG) rather than by a per-example key; {@link #needsTarget()}: whether it
 *       needs target samples besides the pool's (EPIG);
 *   <li>{@link #priority}: its ranking key for one example scored from moments, which fills the
 *       scores' {@code priority} column (higher is picked first; see {@link PriorityKey});
 *   <li>{@link #fits}: the output kinds it means something for (see {@link #fitting});
 *   <li>{@link #create}: the heuristic itself ({@link AcquisitionHeuristic}), built with the
 *       {@link HeuristicOptions} it reads.
 * </ul>
 *
 * <p>Immutable and thread-safe; serialized by name, as every enum.
 */
public enum Heuristic {
  /** BALD, the mutual information between the prediction and the model (Houlsby et al. 2011). */
  BALD("bald", PosteriorScores::bald, v -> v.bald(Reduction.MEAN), false, false, probabilities(),
      o -> (s, n, k) -> s.bald(n), o -> new Bald(o.reduction(), o.probabilities())),
  /** The entropy of the mean prediction. */
  ENTROPY("entropy", PosteriorScores::entropy, v -> v.entropy(Reduction.MEAN), false, false, probabilities(),
      o -> (s, n, k) -> s.entropy(n), o -> new Entropy(o.reduction(), o.probabilities())),
  /**
   * The variance of the samples across iterations, reduced over the classes (with the options'
   * reduction, or the mean when it is NONE) and the positions.
   */
  VARIANCE("variance", PosteriorScores::variance, v -> v.variance(Reduction.MEAN, Reduction.MEAN), false, false,
      EnumSet.allOf(OutputKind.class), o -> (s, n, k) -> s.variance(n),
      o -> new Variance(o.reduction() == Reduction.NONE ? Reduction.MEAN : o.reduction(), o.reduction(),
          o.probabilities())),
  /** The margin between the two most probable classes of the mean prediction; smallest first. */
  MARGIN("margin", PosteriorScores::margin, v -> v.margin(Reduction.MEAN), false, false, oneDistribution(),
      o -> (s, n, k) -> -s.margin(n), o -> new Margin(o.reduction(), o.probabilities())),
  /** The probability of the most probable class of the mean prediction; least certain first. */
  CERTAINTY("certainty", PosteriorScores::certainty, v -> v.certainty(Reduction.MEAN), false, false,
      oneDistribution(), o -> (s, n, k) -> -s.certainty(n), o -> new Certainty(o.reduction(), o.probabilities())),
  /** Uniform random order, a keyed draw per example (the baseline every curve is compared with). */
  RANDOM("random", null, null, false, false, EnumSet.allOf(OutputKind.class), Heuristic::randomKey,
      o -> new RandomHeuristic(o.seed())),
  /**
   * BatchBALD (Kirsch et al. 2019): the greedy batch of highest joint mutual information, from
   * consistent-mask samples of the candidates of highest BALD (its priority is BALD).
   */
  BATCH_BALD("batch_bald", null, null, true, false, classDistributions(), o -> (s, n, k) -> s.bald(n),
      o -> new BatchBald(o.querySize(), o.numDraw(), o.seed(), o.probabilities())),
  /** Power sampling over BALD (Kirsch et al. 2023): a keyed draw with weights BALD^beta. */
  POWER_BALD("power_bald", null, null, false, false, probabilities(), Heuristic::powerBaldKey,
      o -> PowerSampling.powerBald(o.beta(), o.seed(), o.probabilities())),
  /** Power sampling over the entropy: a keyed draw with weights entropy^beta. */
  POWER_ENTROPY("power_entropy", null, null, false, false, probabilities(), Heuristic::powerEntropyKey,
      o -> PowerSampling.powerEntropy(o.beta(), o.seed(), o.probabilities())),
  /**
   * EPIG (Bickford Smith et al. 2023): the expected information gain about the predictions on a
   * target set, from consistent-mask samples of the candidates of highest BALD (its priority is
   * BALD) and of the target.
   */
  EPIG("epig", null, null, true, true, classDistributions(), o -> (s, n, k) -> s.bald(n), Heuristic::epig);

  /** One example's score from its scored moments (the value of a score column). */
  private interface ScoreOf {
    double of(PosteriorScores scores, int n);
  }

  /** Fills a view's per-position scores (read back from it) for one score column. */
  private interface PerPosition {
    void fill(MomentView view);
  }

  /** The ranking key of a heuristic under some options, before NaN is sent last. */
  private interface KeyOf {
    PriorityKey of(HeuristicOptions options);
  }

  /** Builds the heuristic with its options. */
  private interface Factory {
    AcquisitionHeuristic create(HeuristicOptions options);
  }

  private final String label;
  private final ScoreOf score;
  private final PerPosition perPosition;
  private final boolean joint;
  private final boolean needsTarget;
  private final Set<OutputKind> kinds;
  private final KeyOf key;
  private final Factory factory;

  Heuristic(String label, ScoreOf score, PerPosition perPosition, boolean joint, boolean needsTarget,
      Set<OutputKind> kinds, KeyOf key, Factory factory) {
    this.label = label;
    this.score = score;
    this.perPosition = perPosition;
    this.joint = joint;
    this.needsTarget = needsTarget;
    this.kinds = Set.copyOf(kinds);
    this.key = key;
    this.factory = factory;
  }

  /** Every kind with probabilities (all but regression): bald, entropy and power sampling. */
  private static Set<OutputKind> probabilities() {
    return EnumSet.complementOf(EnumSet.of(OutputKind.REGRESSION));
  }

  /** The kinds with one class distribution per position (not multi-label, not regression): margin, certainty. */
  private static Set<OutputKind> oneDistribution() {
    return EnumSet.of(OutputKind.CLASSES, OutputKind.BINARY, OutputKind.PER_POSITION, OutputKind.DETECTION);
  }

  /** The kinds with one class distribution per example: the joint heuristics. */
  private static Set<OutputKind> classDistributions() {
    return EnumSet.of(OutputKind.CLASSES, OutputKind.BINARY);
  }

  private static PriorityKey randomKey(HeuristicOptions o) {
    long seed = o.seed();
    return (s, n, k) -> RandomHeuristic.score(seed, k);
  }

  private static PriorityKey powerBaldKey(HeuristicOptions o) {
    long seed = o.seed();
    double beta = o.beta();
    return (s, n, k) -> PowerSampling.keys(new double[] {s.bald(n)}, Order.HIGHEST_FIRST, beta, seed, k)[0];
  }

  private static PriorityKey powerEntropyKey(HeuristicOptions o) {
    long seed = o.seed();
    double beta = o.beta();
    return (s, n, k) -> PowerSampling.keys(new double[] {s.entropy(n)}, Order.HIGHEST_FIRST, beta, seed, k)[0];
  }

  private static Epig epig(HeuristicOptions o) {
    var target = o.target().orElseThrow(() -> new InvalidHeuristicArgumentException("heuristic 'epig'"
        + " needs target samples and none were given: expected HeuristicOptions.withTarget(samples[, masks])."
        + " Fix: sample the target set with the same consistent masks as the pool and pass it"));
    return o.targetMasks().map(m -> new Epig(target, m, o.probabilities()))
        .orElseGet(() -> new Epig(target, o.probabilities()));
  }

  /** The snake-case name on the command line and in summaries, e.g. {@code batch_bald}. */
  public String label() {
    return label;
  }

  /** Whether a scoring run writes a score column for this heuristic (the five of {@link #scored()}). */
  public boolean hasScoreColumn() {
    return score != null;
  }

  /**
   * The score column a scoring run writes for this heuristic: its {@link #label()}.
   *
   * @throws IllegalStateException for a heuristic that writes none ({@link #hasScoreColumn()} is false)
   */
  public String scoreColumn() {
    if (score == null) {
      throw new IllegalStateException("heuristic " + label + " has no score column: it ranks by its priority"
          + " only; the score columns are " + scoreColumns());
    }
    return label;
  }

  /**
   * The value of this heuristic's score column for example {@code n} of {@code scores}.
   *
   * @throws IllegalStateException for a heuristic without a score column
   */
  public double score(PosteriorScores scores, int n) {
    scoreColumn();
    return score.of(scores, n);
  }

  /** Whether it picks a batch jointly from consistent-mask samples (BatchBALD, EPIG), not by a per-example key. */
  public boolean isJoint() {
    return joint;
  }

  /** Whether it needs target samples besides the pool's (EPIG). */
  public boolean needsTarget() {
    return needsTarget;
  }

  /**
   * The score column whose highest values are a joint heuristic's candidates (resampled with
   * consistent masks and picked from jointly): BALD's, as its {@link #priority}.
   *
   * @throws IllegalStateException for a heuristic that is not joint
   */
  public String candidateColumn() {
    if (!joint) {
      throw new IllegalStateException("heuristic " + label + " ranks every example itself and has no candidates");
    }
    return BALD.scoreColumn();
  }

  /**
   * The ranking key of one example scored from moments ({@link PriorityKey}), which fills the
   * {@code priority} column: the score itself for highest-first scores, its negation for margin
   * and certainty (lowest first), a draw keyed by the example for random and power sampling
   * (random and power sampling draw with {@code options.seed()}, power sampling with {@code
   * options.beta()}), and BALD for the joint heuristics, whose candidates are the BALD top. A NaN
   * key becomes negative infinity (ranked last). Serializable, for the executors.
   */
  public PriorityKey priority(HeuristicOptions options) {
    PriorityKey k = key.of(options);
    return (s, n, exampleKey) -> {
      double p = k.of(s, n, exampleKey);
      return Double.isNaN(p) ? Double.NEGATIVE_INFINITY : p;
    };
  }

  /**
   * Whether this heuristic means something for outputs of {@code kind} ({@link #fitting}; a
   * scoring run writes null in its score column where it does not).
   */
  public boolean fits(OutputKind kind) {
    return kinds.contains(kind);
  }

  /**
   * The heuristics that mean something for outputs of {@code kind}, in declaration order:
   * <ul>
   *   <li>classes, binary: all of them;
   *   <li>per-position, detection: the per-position scores (bald, entropy, variance, margin,
   *       certainty, each per position then reduced), random and power sampling; not BatchBALD or
   *       EPIG, whose joint entropies are defined over one class distribution per example;
   *   <li>multi-label: bald, entropy and variance per label (each label a Bernoulli variable, baal's
   *       multi-label reading), reduced over the labels, random and power sampling; margin and
   *       certainty rank one distribution's top classes, which independent labels do not have;
   *   <li>regression: variance (of the values, per output, reduced) and random; nothing that needs
   *       probabilities.
   * </ul>
   */
  public static List<Heuristic> fitting(OutputKind kind) {
    return Arrays.stream(values()).filter(h -> h.fits(kind)).toList();
  }

  /**
   * Refuses, before any work, this heuristic for outputs of {@code kind} if it means nothing for them.
   *
   * @param source what the output is, for the message (e.g. "output layer 'out' (CnnLossLayer)")
   * @throws InvalidHeuristicArgumentException naming the heuristic, the kind and the heuristics that work
   */
  public void requireFits(OutputKind kind, String source) {
    if (!fits(kind)) {
      throw new InvalidHeuristicArgumentException("heuristic " + label + " means nothing for " + source + ", whose"
          + " output kind is " + kind.label() + why(kind) + ". Expected one of " + String.join(", ",
          labels(fitting(kind))) + " for " + kind.label() + " outputs. Fix: choose one of those with --heuristic, or"
          + " pass --output-kind if " + kind.label() + " is not what the output is");
    }
  }

  private String why(OutputKind kind) {
    if (kind == OutputKind.REGRESSION) {
      return " (its values are not probabilities, so there is no entropy, mutual information or class margin;"
          + " only their variance across samples)";
    }
    if (joint) {
      return " (BatchBALD and EPIG need one class distribution per example, and this output has one per "
          + (kind == OutputKind.MULTI_LABEL ? "label" : kind == OutputKind.DETECTION ? "anchor box and cell"
          : "position") + ")";
    }
    return " (margin and certainty compare the top classes of one distribution; independent labels have none)";
  }

  /** {@link #create(HeuristicOptions)} with {@link HeuristicOptions#defaults()}. */
  public AcquisitionHeuristic create() {
    return create(HeuristicOptions.defaults());
  }

  /**
   * This heuristic, built with the options it needs: the probability conversion for all, the
   * reduction for the moment-based ones (variance reduces over classes with it too, or with MEAN
   * when it is NONE), the seed for random, BatchBALD and power sampling, numDraw and querySize for
   * BatchBALD, beta for power sampling, the target for EPIG. Its {@link AcquisitionHeuristic#name()}
   * is this {@link #label()}.
   *
   * @throws InvalidHeuristicArgumentException for EPIG without a target in the options
   */
  public AcquisitionHeuristic create(HeuristicOptions options) {
    return factory.create(options);
  }

  /**
   * As {@link #create(HeuristicOptions)} for a joint heuristic, with its selection under stated masks.
   *
   * @throws IllegalStateException for a heuristic that is not joint ({@link #isJoint()})
   * @throws InvalidHeuristicArgumentException for EPIG without a target in the options
   */
  public JointHeuristic joint(HeuristicOptions options) {
    if (!joint) {
      throw new IllegalStateException("heuristic " + label + " is not joint: it ranks every example by its own"
          + " priority; the joint heuristics are " + labels(Arrays.stream(values()).filter(Heuristic::isJoint)
          .toList()));
    }
    return (JointHeuristic) create(options);
  }

  /**
   * The score {@code this} at every position of one view's loaded example, before any reduction
   * ({@link PosteriorScores#perPosition}).
   *
   * @throws InvalidHeuristicArgumentException for a heuristic without a score column
   */
  void fillPerPosition(MomentView view) {
    if (perPosition == null) {
      throw new InvalidHeuristicArgumentException("heuristic " + label + " has no score per position: expected one"
          + " of the score columns " + scoreColumns());
    }
    perPosition.fill(view);
  }

  /** The heuristics with a score column, in the order a scoring run writes them: bald, entropy, variance, margin, certainty. */
  public static List<Heuristic> scored() {
    return Arrays.stream(values()).filter(Heuristic::hasScoreColumn).toList();
  }

  /** The score columns of {@link #scored()}, in order. */
  public static List<String> scoreColumns() {
    return scored().stream().map(Heuristic::scoreColumn).toList();
  }

  /** Every heuristic's {@link #label()}, in declaration order. */
  public static List<String> labels() {
    return labels(List.of(values()));
  }

  private static List<String> labels(List<Heuristic> hs) {
    return hs.stream().map(Heuristic::label).toList();
  }

  /**
   * The score that shows a {@code kind} output's uncertainty per position (maps in reports): BALD,
   * or for regression, which has no BALD, the variance.
   */
  public static Heuristic uncertainty(OutputKind kind) {
    return BALD.fits(kind) ? BALD : VARIANCE;
  }

  /**
   * The heuristic called {@code name}: its {@link #label()}, case-insensitive, surrounding blanks ignored.
   *
   * @throws UnknownHeuristicException naming the value and listing the names
   */
  public static Heuristic byName(String name) {
    String key = name == null ? "null" : name.trim().toLowerCase(Locale.ROOT);
    for (Heuristic h : values()) {
      if (h.label.equals(key)) {
        return h;
      }
    }
    throw new UnknownHeuristicException("unknown heuristic '" + name + "': expected one of " + String.join(", ",
        labels()) + " (snake case, case-insensitive)");
  }

  /** The {@link #label()}, as on the command line. */
  @Override
  public String toString() {
    return label;
  }
}
