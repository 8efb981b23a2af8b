/**
 * The {@code learn} command: the active-learning loop on Fashion-MNIST, run for real with the
 * project's own training (core {@code training}) and the scoring job in Spark local mode. It
 * plans, reads and writes; heuristics, training and curve statistics live in {@code core}.
 */
package org.mcposterior.jobs.learn;
