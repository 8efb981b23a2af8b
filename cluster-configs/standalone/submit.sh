#!/usr/bin/env bash
# Runs `mcposterior score` on a Spark standalone cluster through spark-submit, in client mode, and
# exits with the driver's exit code: 0 success, 1 the run failed (bad input, failed job), 2 usage
# error. Every argument goes to `score` (see `bin/mcposterior score --help`).
#
#   SPARK_HOME=/opt/spark SPARK_MASTER_URL=spark://master:7077 \
#   MCP_APP_JAR=jobs/target/mcposterior-jobs-0.1.0-SNAPSHOT.jar MCP_LIB_DIR=jobs/target/lib \
#     cluster-configs/standalone/submit.sh <score options>
#
# MCP_LIB_DIR holds the application's dependency jars, made once per build with
#   mvn -B -ntp -pl jobs dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib
# (runtime scope: mcposterior-core, DL4J, nd4j, JavaCPP, picocli, ...; not Spark, which is provided).
# Jars whose file name is already in $SPARK_HOME/jars are not shipped again.
#
# UNTESTED as a script (no Spark distribution on the test machine): the settings it passes
# (spark-defaults.conf next to it) and the same spark-submit command line are exercised by
# StandaloneClusterTest.
set -euo pipefail

: "${SPARK_HOME:?set SPARK_HOME to a Spark 4.0.x installation built for Scala 2.13}"
: "${SPARK_MASTER_URL:?set SPARK_MASTER_URL, e.g. spark://master-host:7077}"
: "${MCP_APP_JAR:?set MCP_APP_JAR to jobs/target/mcposterior-jobs-<version>.jar}"
: "${MCP_LIB_DIR:?set MCP_LIB_DIR to the directory of dependency jars (see the comment at the top)}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROPERTIES="${MCP_SPARK_PROPERTIES:-$HERE/spark-defaults.conf}"

for f in "$MCP_APP_JAR" "$PROPERTIES"; do
  [ -f "$f" ] || { echo "submit.sh: $f is not a file" >&2; exit 2; }
done
jars=()
for j in "$MCP_LIB_DIR"/*.jar; do
  [ -f "$j" ] || { echo "submit.sh: no jars in MCP_LIB_DIR=$MCP_LIB_DIR; run the mvn command at the top" >&2; exit 2; }
  [ -e "$SPARK_HOME/jars/$(basename "$j")" ] || jars+=("$j")
done
JARS="$(IFS=,; echo "${jars[*]}")"

# The client-mode driver runs here, and DL4J runs in it too: same BLAS settings as the executors.
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-HASWELL}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"

exec "$SPARK_HOME/bin/spark-submit" \
  --master "$SPARK_MASTER_URL" \
  --deploy-mode client \
  --properties-file "$PROPERTIES" \
  --class org.mcposterior.jobs.Main \
  --jars "$JARS" \
  "$MCP_APP_JAR" score "$@"
