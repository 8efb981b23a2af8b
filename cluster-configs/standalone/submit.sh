#!/usr/bin/env bash
# Runs `mcposterior score` on a Spark standalone cluster through spark-submit, in client mode, and
# exits with the driver's exit code: 0 success, 1 the run failed (bad input, failed job, wrong Spark
# line), 2 usage error. Every argument goes to `score` (see `bin/mcposterior score --help`).
#
#   SPARK_HOME=/opt/spark SPARK_MASTER_URL=spark://master:7077 \
#   MCP_APP_JAR=jobs/target/mcposterior-spark-4.0_2.13-0.1.0-SNAPSHOT.jar \
#     cluster-configs/standalone/submit.sh <score options>
#
# MCP_APP_JAR is the application jar of the cluster's Spark line, from `mvn -B -ntp package
# -DskipTests`: jobs/target/mcposterior-spark-4.0_2.13-<version>.jar for Spark 4.0-4.2 / Scala 2.13,
# jobs/target/spark-3.5/mcposterior-spark-3.5_2.12-<version>.jar (add -Pspark-3.5) for Spark 3.5 /
# Scala 2.12. It holds everything mcposterior needs besides Spark: no --jars, no --packages.
#
# UNTESTED as a script (no Spark distribution on the test machine): the settings it passes
# (spark-defaults.conf next to it) and the same spark-submit command line are exercised by
# StandaloneClusterTest and ScoreJobClusterTest.
set -euo pipefail

: "${SPARK_HOME:?set SPARK_HOME to the Spark installation of the cluster (3.5 / Scala 2.12 or 4.x / Scala 2.13)}"
: "${SPARK_MASTER_URL:?set SPARK_MASTER_URL, e.g. spark://master-host:7077}"
: "${MCP_APP_JAR:?set MCP_APP_JAR to the application jar of this Spark line, jobs/target/mcposterior-spark-<line>_<scala>-<version>.jar}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROPERTIES="${MCP_SPARK_PROPERTIES:-$HERE/spark-defaults.conf}"

for f in "$MCP_APP_JAR" "$PROPERTIES"; do
  [ -f "$f" ] || { echo "submit.sh: $f is not a file" >&2; exit 2; }
done

# The client-mode driver runs here, and DL4J runs in it too: same BLAS settings as the executors.
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-HASWELL}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"

exec "$SPARK_HOME/bin/spark-submit" \
  --master "$SPARK_MASTER_URL" \
  --deploy-mode client \
  --properties-file "$PROPERTIES" \
  --class org.mcposterior.jobs.Main \
  "$MCP_APP_JAR" score "$@"
