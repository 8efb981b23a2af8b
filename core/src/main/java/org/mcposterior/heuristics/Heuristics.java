package org.mcposterior.heuristics;

import java.util.List;
import java.util.Locale;

/** Builds heuristics from their snake-case names, for command lines and configuration files. */
public final class Heuristics {
  /** Every name {@link #byName} knows, in a fixed order. */
  public static final List<String> NAMES = List.of("bald", "entropy", "variance", "margin", "certainty", "random",
      "batch_bald", "power_bald", "power_entropy", "epig");

  private Heuristics() {}

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
    String key = name == null ? "null" : name.trim().toLowerCase(Locale.ROOT);
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
        throw new UnknownHeuristicException("unknown heuristic '" + name + "': expected one of " + String.join(", ", NAMES)
            + " (snake case, case-insensitive)");
    }
  }
}
