/**
 * The {@code sample} command's job: the full posterior {@code [N, outputs, T]} of a few inputs
 * (or of the reference's two ready-made examples), its per-output summaries, and a page of the
 * reference's 50-bin histograms. Sampling runs in the driver through the core sampler with the
 * same keyed masks as {@code score}; Spark only reads the inputs and writes Parquet.
 */
package org.mcposterior.jobs.sample;
