#!/usr/bin/env bash
# The side-by-side comparison of issue 15 on JDK 17 and JDK 25: builds logbuf-core
# and the benchmarks jar once (Java 17 bytecode), runs dev.logbuf.benchmarks.Comparison
# on each JDK with the same stamp (one JVM per JDK; JMH's forks use that JDK), then
# prints both runs and the ratios and targets side by side (Comparison --combine).
# Everything lands under logbuf-benchmarks/results/ (or --results DIR):
#   <stamp>-jdk<N>-<part>.json, -jmh.log   JMH's JSON and log of each part
#   <stamp>-jdk<N>-scores.tsv, -summary.txt  the figures and tables of one JDK
#   <stamp>-summary.txt                      both JDKs, side by side
# About 11 minutes per JDK on 2 cores (23 in all with the build); --smoke: one short
# iteration at 64 bytes per benchmark, about 3 minutes for both JDKs, a check of the
# harness and not a measurement.
#
# Arguments go to Comparison (--smoke, --results DIR). Environment:
#   JDK17_HOME  default: $JAVA_HOME if set, else the JDK of the java on the PATH
#   JDK25_HOME  default: /usr/lib/jvm/temurin-25-jdk-amd64
#   JDKS        which to run, default "17 25" (e.g. JDKS=25 for one)
#   COMPARE_JAVA_OPTS  options for the JVM that runs JMH (e.g. -Djmh.ignoreLock=true
#               when another JMH run holds /tmp/jmh.lock; its figures are then noise)
set -euo pipefail
cd "$(dirname "$0")/.."

default17() {
  if [ -n "${JAVA_HOME:-}" ]; then
    echo "$JAVA_HOME"
  else
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"
  fi
}
JDK17_HOME=${JDK17_HOME:-$(default17)}
JDK25_HOME=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JDKS=${JDKS:-17 25}

results=logbuf-benchmarks/results
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --results) results=$2; args+=("$1" "$2"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

for jdk in $JDKS; do
  home_var="JDK${jdk}_HOME"
  home=${!home_var:-}
  if [ -z "$home" ] || [ ! -x "$home/bin/java" ]; then
    echo "compare.sh: no JDK $jdk: set $home_var to a JDK $jdk home (was '${home}')" >&2
    exit 2
  fi
  feature=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ "$feature" != "$jdk" ]; then
    echo "compare.sh: $home_var=$home is JDK '$feature', not $jdk" >&2
    exit 2
  fi
done

./mvnw -B -q -pl logbuf-benchmarks -am package -DskipTests

stamp=$(date -u +%Y%m%d-%H%M%S)
for jdk in $JDKS; do
  home_var="JDK${jdk}_HOME"
  echo "== JDK $jdk (${!home_var})"
  # shellcheck disable=SC2086
  "${!home_var}/bin/java" ${COMPARE_JAVA_OPTS:-} -cp logbuf-benchmarks/target/benchmarks.jar \
      dev.logbuf.benchmarks.Comparison --stamp "$stamp" "${args[@]}"
done
echo "== both JDKs"
"${JDK17_HOME}/bin/java" -cp logbuf-benchmarks/target/benchmarks.jar dev.logbuf.benchmarks.Comparison \
    --combine --stamp "$stamp" --results "$results"
