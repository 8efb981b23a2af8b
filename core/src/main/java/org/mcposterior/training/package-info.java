/**
 * Training networks for active learning, deterministically: the settings of one training run, a
 * seeded single-threaded trainer that always starts from the same initial weights, and the pool
 * of an active-learning run (which examples are labelled, which are not).
 *
 * <p>Everything here is seeded and keyed: the same settings and seed give the same weights, the
 * same minibatch order and the same training dropout masks.
 */
package org.mcposterior.training;
