#!/usr/bin/env bash
# Concurrency proofs for CI: the jcstress suite in a time-boxed quick mode,
# then the checksummed soak for about a minute. Exits non-zero on any
# forbidden outcome, test error, unfinished suite or failed soak round.
#
# Run from anywhere; it works from the repository root. If
# logbuf-stress/target/jcstress.jar is missing or older than the sources, it
# builds logbuf-core and logbuf-stress first (tests skipped).
#
# Knobs (environment):
#   JCSTRESS_JAVA_HOME  JDK that runs jcstress (default: /usr/lib/jvm/temurin-25-jdk-amd64
#                     when present, else the java below). On JDK 17 jcstress runs every
#                     test twice as often (with and without biased locking, which logbuf
#                     never relies on: no monitor on any ring path), which alone would
#                     take the suite past the CI budget; JDK 25 has no biased locking.
#   JCSTRESS_MODE     jcstress preset (default: quick)
#   JCSTRESS_ARGS     extra jcstress options; default "-sc false -iters 2 -time 100" trims
#                     the quick preset so the suite fits the CI budget. Set it
#                     to "" to run the plain preset.
#   JCSTRESS_FILTER   test regexp (default: all logbuf tests)
#   JCSTRESS_BUDGET   hard limit for the jcstress run, seconds (default: 1200)
#   JCSTRESS_VERBOSE  1 = print every test's outcome table (jcstress -v)
#   SOAK_DURATION     soak length (default: 60s; 0 skips the soak)
#   SKIP_JCSTRESS     1 = soak only
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
MODULE=logbuf-stress
JAR="$ROOT/$MODULE/target/jcstress.jar"
RUN_DIR="$ROOT/$MODULE/target/jcstress-run"

JCSTRESS_MODE=${JCSTRESS_MODE:-quick}
JCSTRESS_ARGS=${JCSTRESS_ARGS-"-sc false -iters 2 -time 100"}
JCSTRESS_FILTER=${JCSTRESS_FILTER:-dev.logbuf.stress}
JCSTRESS_BUDGET=${JCSTRESS_BUDGET:-1200}
SOAK_DURATION=${SOAK_DURATION:-60s}

JAVA=java
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA="$JAVA_HOME/bin/java"
fi
JCSTRESS_JAVA_HOME=${JCSTRESS_JAVA_HOME-/usr/lib/jvm/temurin-25-jdk-amd64}
JCSTRESS_JAVA=$JAVA
if [ -n "$JCSTRESS_JAVA_HOME" ] && [ -x "$JCSTRESS_JAVA_HOME/bin/java" ]; then
  JCSTRESS_JAVA="$JCSTRESS_JAVA_HOME/bin/java"
fi

stale() {
  [ ! -f "$JAR" ] && return 0
  [ -n "$(find logbuf-core/src/main logbuf-core/pom.xml "$MODULE/src" "$MODULE/pom.xml" pom.xml \
           -newer "$JAR" -print -quit 2>/dev/null)" ]
}

if stale; then
  echo "== building $MODULE (and logbuf-core) because $JAR is missing or older than the sources"
  ./mvnw -B -q -pl "$MODULE" -am package -DskipTests
fi

status=0

if [ "${SKIP_JCSTRESS:-0}" != 1 ]; then
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR"
  verbose=()
  [ "${JCSTRESS_VERBOSE:-0}" = 1 ] && verbose=(-v)
  # shellcheck disable=SC2206
  extra=($JCSTRESS_ARGS)
  echo "== jcstress: mode $JCSTRESS_MODE ${JCSTRESS_ARGS}, tests matching '$JCSTRESS_FILTER', budget ${JCSTRESS_BUDGET}s"
  echo "   on $("$JCSTRESS_JAVA" -version 2>&1 | head -1) ($JCSTRESS_JAVA)"
  started=$(date +%s)
  set +e
  # jcstress writes its result blob into the working directory: keep it under target/.
  (cd "$RUN_DIR" && timeout --kill-after=30 "$JCSTRESS_BUDGET" \
      "$JCSTRESS_JAVA" -jar "$JAR" -m "$JCSTRESS_MODE" "${extra[@]}" -t "$JCSTRESS_FILTER" -r "$RUN_DIR/report" "${verbose[@]}") \
      > "$RUN_DIR/jcstress.log" 2>&1
  rc=$?
  set -e
  elapsed=$(( $(date +%s) - started ))
  log="$RUN_DIR/jcstress.log"

  # Print the verdict part of the log (the progress lines are noise in CI).
  sed -n '/^RUN RESULTS:/,$p' "$log" | grep -v '^\s*$' | head -400 || true

  tests=$(find "$RUN_DIR/report" -maxdepth 1 -name '*.html' ! -name index.html 2>/dev/null | wc -l)
  bad=$(sed -n '/^RUN RESULTS:/,$p' "$log" | { grep -E '^\.+ \[(FAILED|ERROR)\] ' || true; } | awk '{print $3}' | sort -u | wc -l)
  interesting=$(sed -n '/^  Interesting tests:/,/^  Failed tests:/p' "$log" | grep -cE '^\.+ \[' || true)
  echo "== jcstress finished in ${elapsed}s, exit code $rc; report: $RUN_DIR/report/index.html"

  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "FAILED: jcstress did not finish within ${JCSTRESS_BUDGET}s (a hung test is a lost wake-up or a stuck ring)"
    tail -40 "$log"
    status=1
  elif grep -q 'FATAL' "$log" || [ "$tests" -eq 0 ]; then
    echo "FAILED: jcstress ran no test"
    tail -40 "$log"
    status=1
  elif [ "$rc" -ne 0 ] || [ "$bad" -ne 0 ] \
      || ! grep -q 'Failed tests: No matches' "$log" || ! grep -q 'Error tests: No matches' "$log"; then
    echo "FAILED: jcstress reported forbidden outcomes or errors in $bad test(s) (exit code $rc)"
    status=1
  fi
  if [ "$interesting" -gt 0 ]; then
    echo "note: $interesting test(s) with interesting (allowed, but worth a look) outcomes"
  fi
  echo "jcstress: $((tests - bad)) passed, $bad failed"
fi

if [ "$SOAK_DURATION" != 0 ] && [ "$SOAK_DURATION" != 0s ]; then
  echo "== soak for $SOAK_DURATION"
  set +e
  # The soak bounds itself: each round ends or is declared stuck within its settle time.
  "$JAVA" -cp "$JAR" dev.logbuf.stress.soak.LogbufSoak --duration "$SOAK_DURATION"
  soak_rc=$?
  set -e
  if [ "$soak_rc" -ne 0 ]; then
    echo "FAILED: soak exit code $soak_rc"
    status=1
  fi
fi

exit "$status"
