package org.mcposterior.heuristics;

import java.util.List;
import java.util.Locale;
import org.mcposterior.stats.OutputKind;

/** Builds heuristics from their snake-case names, for command lines and configuration files. */
public final class Heuristics {
  /** Every name {@link #byName} knows, in a fixed order. */
  public static final List<String> NAMES = List.of("bald", "entropy", "variance", "margin", "certainty", "random",
      "batch_bald", "power_bald", "power_entropy", "epig");

  /** BatchBALD's name. */
  public static final String BATCH_BALD = "batch_bald";
  /** EPIG's name. */
  public static final String EPIG = "epig";

  /** The heuristics that select a batch jointly from consistent-mask samples, not by a per-example key. */
  public static final List<String> JOINT = List.of(BATCH_BALD, EPIG);

  /** The five per-example scores a scoring run writes, in order (its score columns). */
  public static final List<String> SCORES = List.of("bald", "entropy", "variance", "margin", "certainty");

  private static final List<String> PER_POSITION = List.of("bald", "entropy", "variance", "margin", "certainty",
      "random", "power_bald", "power_entropy");
  private static final List<String> BERNOULLI = List.of("bald", "entropy", "variance", "random", "power_bald",
      "power_entropy");
  private static final List<String> VALUES = List.of("variance", "random");

  private Heuristics() {}

  /**
   * The heuristics that mean something for outputs of {@code kind}, in {@link #NAMES} order:
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
  public static List<String> allowed(OutputKind kind) {
    switch (kind) {
      case CLASSES:
      case BINARY:
        return NAMES;
      case PER_POSITION:
      case DETECTION:
        return PER_POSITION;
      case MULTI_LABEL:
        return BERNOULLI;
      case REGRESSION:
        return VALUES;
      default:
        throw new AssertionError(kind);
    }
  }

  /**
   * The score that shows a {@code kind} output's uncertainty per position (maps in reports): BALD,
   * or for regression, which has no BALD, the variance.
   */
  public static String uncertaintyScore(OutputKind kind) {
    return kind == OutputKind.REGRESSION ? "variance" : "bald";
  }

  /**
   * Whether the score column {@code score} (one of {@link #SCORES}) means something for {@code
   * kind}; a scoring run writes null where it does not.
   */
  public static boolean scoreExists(String score, OutputKind kind) {
    return allowed(kind).contains(canonical(score));
  }

  /**
   * Refuses, before any work, a heuristic that means nothing for outputs of {@code kind}.
   *
   * @param source what the output is, for the message (e.g. "output layer 'out' (CnnLossLayer)")
   * @throws UnknownHeuristicException if the name is not one of {@link #NAMES}
   * @throws InvalidHeuristicArgumentException naming the heuristic, the kind and the heuristics
   *     that work
   */
  public static void requireFits(String name, OutputKind kind, String source) {
    String key = canonical(name);
    if (!NAMES.contains(key)) {
      throw unknown(name);
    }
    if (!allowed(kind).contains(key)) {
      throw new InvalidHeuristicArgumentException("heuristic " + key + " means nothing for " + source + ", whose"
          + " output kind is " + kind.label() + why(key, kind) + ". Expected one of " + String.join(", ",
          allowed(kind)) + " for " + kind.label() + " outputs. Fix: choose one of those with --heuristic, or pass"
          + " --output-kind if " + kind.label() + " is not what the output is");
    }
  }

  private static String why(String key, OutputKind kind) {
    if (kind == OutputKind.REGRESSION) {
      return " (its values are not probabilities, so there is no entropy, mutual information or class margin;"
          + " only their variance across samples)";
    }
    if (JOINT.contains(key)) {
      return " (BatchBALD and EPIG need one class distribution per example, and this output has one per "
          + (kind == OutputKind.MULTI_LABEL ? "label" : kind == OutputKind.DETECTION ? "anchor box and cell"
          : "position") + ")";
    }
    return " (margin and certainty compare the top classes of one distribution; independent labels have none)";
  }

  /** Whether {@code name} (case-insensitive) needs target samples besides the pool's (EPIG). */
  public static boolean needsTarget(String name) {
    return canonical(name).equals(EPIG);
  }

  /** Whether {@code name} (case-insensitive) selects jointly ({@link #JOINT}). */
  public static boolean isJoint(String name) {
    return JOINT.contains(canonical(name));
  }

  /**
   * The ranking key of {@code name} for a pool scored from moments ({@link PriorityKey}); random
   * and power sampling draw with {@code options.seed()}, power sampling with {@code options.beta()}.
   *
   * @throws UnknownHeuristicException if the name is not one of {@link #NAMES}
   */
  public static PriorityKey priority(String name, HeuristicOptions options) {
    long seed = options.seed();
    double beta = options.beta();
    PriorityKey key = switch (canonical(name)) {
      case "bald", "batch_bald", "epig" -> (s, n, k) -> s.bald(n);
      case "entropy" -> (s, n, k) -> s.entropy(n);
      case "variance" -> (s, n, k) -> s.variance(n);
      case "margin" -> (s, n, k) -> -s.margin(n);
      case "certainty" -> (s, n, k) -> -s.certainty(n);
      case "random" -> (s, n, k) -> RandomHeuristic.score(seed, k);
      case "power_bald" -> (s, n, k) -> PowerSampling.keys(new double[] {s.bald(n)}, Order.HIGHEST_FIRST, beta, seed,
          k)[0];
      case "power_entropy" -> (s, n, k) -> PowerSampling.keys(new double[] {s.entropy(n)}, Order.HIGHEST_FIRST, beta,
          seed, k)[0];
      default -> throw unknown(name);
    };
    return (s, n, k) -> {
      double p = key.of(s, n, k);
      return Double.isNaN(p) ? Double.NEGATIVE_INFINITY : p;
    };
  }

  private static String canonical(String name) {
    return name == null ? "null" : name.trim().toLowerCase(Locale.ROOT);
  }

  private static UnknownHeuristicException unknown(String name) {
    return new UnknownHeuristicException("unknown heuristic '" + name + "': expected one of " + String.join(", ", NAMES)
        + " (snake case, case-insensitive)");
  }

  /** {@link #byName(String, HeuristicOptions)} with {@link HeuristicOptions#defaults()}. */
  public static Heuristic byName(String name) {
    return byName(name, HeuristicOptions.defaults());
  }

  /**
   * The heuristic called {@code name} (case-insensitive), built with the options it needs: the
   * probability conversion for all, the reduction for the moment-based ones (variance reduces
   * over classes with it too, or with MEAN when it is NONE), the seed for random, BatchBALD and
   * power sampling, numDraw and querySize for BatchBALD, beta for power sampling, the target for
   * EPIG.
   *
   * @throws UnknownHeuristicException if the name is not one of {@link #NAMES}
   * @throws InvalidHeuristicArgumentException for {@code epig} without a target in the options
   */
  public static Heuristic byName(String name, HeuristicOptions options) {
    String key = canonical(name);
    var p = options.probabilities();
    var r = options.reduction();
    switch (key) {
      case "bald":
        return new Bald(r, p);
      case "entropy":
        return new Entropy(r, p);
      case "variance":
        return new Variance(r == Reduction.NONE ? Reduction.MEAN : r, r, p);
      case "margin":
        return new Margin(r, p);
      case "certainty":
        return new Certainty(r, p);
      case "random":
        return new RandomHeuristic(options.seed());
      case "batch_bald":
        return new BatchBald(options.querySize(), options.numDraw(), options.seed(), p);
      case "power_bald":
        return PowerSampling.powerBald(options.beta(), options.seed(), p);
      case "power_entropy":
        return PowerSampling.powerEntropy(options.beta(), options.seed(), p);
      case "epig":
        var target = options.target().orElseThrow(() -> new InvalidHeuristicArgumentException("heuristic 'epig'"
            + " needs target samples and none were given: expected HeuristicOptions.withTarget(samples[, masks])."
            + " Fix: sample the target set with the same consistent masks as the pool and pass it"));
        return options.targetMasks().map(m -> new Epig(target, m, p)).orElseGet(() -> new Epig(target, p));
      default:
        throw unknown(name);
    }
  }
}
