/**
 * The native platform under the library: the start-up check that nd4j's bundled OpenBLAS computes
 * correct matrix products on this CPU (DESIGN.md, invariant 7), BLAS thread settings, and the
 * off-heap buffers the fast inference path hands to BLAS; and the build itself ({@link
 * org.mcposterior.platform.BuildInfo}: the versions Maven wrote in).
 */
package org.mcposterior.platform;
