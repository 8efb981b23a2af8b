package org.mcposterior.jobs;

import java.util.Iterator;
import org.mcposterior.heuristics.Heuristic;

/**
 * The heuristics' snake-case names ({@link Heuristic#labels()}), in their declared order: the
 * completion candidates of the options that take a heuristic, which picocli also prints in their
 * description ({@code ${COMPLETION-CANDIDATES}}), so the command line lists no name itself.
 */
public final class HeuristicNames implements Iterable<String> {
  @Override
  public Iterator<String> iterator() {
    return Heuristic.labels().iterator();
  }
}
