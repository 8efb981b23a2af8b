/**
 * Loading and describing networks: one {@link org.mcposterior.models.Network} type over DL4J's
 * MultiLayerNetwork and ComputationGraph, read from DL4J model zips, with fingerprints that name
 * a model's exact bytes, the input-shape checks every entry point makes before work starts, and
 * {@link org.mcposterior.models.OutputKinds}, which decides from the output layer what its output
 * is (the kinds themselves are plain data in {@code stats}, so heuristics can read them).
 */
package org.mcposterior.models;
