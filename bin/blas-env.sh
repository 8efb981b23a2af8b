# Sourced by the launchers: a correct and fast OpenBLAS kernel, and no thread oversubscription.
# nd4j's bundled OpenBLAS computes wrong dgemm results on some CPUs with its default kernel
# (DESIGN.md, invariant 7). SKYLAKEX needs AVX-512 (it dies with SIGILL without it); HASWELL is
# correct on every AVX2 CPU. An OPENBLAS_CORETYPE already set by the user wins.
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
  if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
    export OPENBLAS_CORETYPE=SKYLAKEX
  elif grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
    export OPENBLAS_CORETYPE=HASWELL
  fi
fi
