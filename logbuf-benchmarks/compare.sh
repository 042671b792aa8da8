#!/usr/bin/env bash
# The short side-by-side comparison of issue 4: builds logbuf-core and the
# benchmarks jar, then runs dev.logbuf.benchmarks.Comparison, which prints the
# tables (logbuf vs Agrona, JCTools, ArrayBlockingQueue and memcpy, with ratios
# and the targets) and writes JMH JSON under logbuf-benchmarks/results/.
# About 8 minutes on 2 cores. Arguments go to Comparison: --smoke (a one-minute
# check that the harness works, not a measurement), --results DIR.
# Uses $JAVA_HOME/bin/java when JAVA_HOME is set, else java on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl logbuf-benchmarks -am package -DskipTests
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java" -cp logbuf-benchmarks/target/benchmarks.jar dev.logbuf.benchmarks.Comparison "$@"
