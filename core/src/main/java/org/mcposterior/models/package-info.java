/**
 * Loading and describing networks: one {@link org.mcposterior.models.Network} type over DL4J's
 * MultiLayerNetwork and ComputationGraph, read from DL4J model zips, with fingerprints that name
 * a model's exact bytes and the input-shape checks every entry point makes before work starts.
 */
package org.mcposterior.models;
