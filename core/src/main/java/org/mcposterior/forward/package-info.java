/**
 * The inference-mode forward pass that MC sampling runs on: a DL4J MultiLayerNetwork or
 * ComputationGraph compiled into one plan of kernels (dense, convolution as im2col + sgemm,
 * pooling, batch-norm, activations, DL4J's own layers as a fallback) with the stochastic sites
 * between them. Every layer runs in inference mode; only the sites draw random masks.
 */
package org.mcposterior.forward;
