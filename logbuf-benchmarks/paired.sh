#!/usr/bin/env bash
# logbuf against other contenders, paired fork by fork: runs one fork of each named
# contender's throughput benchmark (the same group and record length) back to back,
# ROUNDS times, and prints each contender's per-fork rates and, per round, logbuf's
# rate over each contender's: the ratio of forks that ran within seconds of each other.
#
# Why: on this 2-vCPU machine a two-thread figure moves 2-5x from one fork to the next
# and stays there for minutes (the handoff baseline at 2 KiB read 31 GB/s at 12:35 and
# 6.3 GB/s at 12:42 on 30 November 2026), while compare.sh runs each contender's forks
# minutes apart. A compare.sh ratio far from 1 can be two placements, not two rings;
# the median of the paired ratios here is the figure to quote for such a cell.
#
#   logbuf-benchmarks/paired.sh ROUNDS GROUP LENGTH CONTENDER...
#   e.g. logbuf-benchmarks/paired.sh 6 mpsc2 256 Agrona
#        PAIRED_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java logbuf-benchmarks/paired.sh 5 spsc 16 Agrona Jctools
#
# GROUP: spsc, mpsc1 or mpsc2; CONTENDER: Agrona, Jctools, Disruptor, BlockingQueue.
# Environment: PAIRED_JAVA (default java on the PATH), PAIRED_DIR (default
# /tmp/logbuf-paired). Uses logbuf-benchmarks/target/benchmarks.jar as built (build it
# with ./mvnw -B -q -pl logbuf-benchmarks -am package -DskipTests). One fork of each
# contender takes about 10 s (2 warm-up and 3 measured iterations of 1 s).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 4 ]; then
  sed -n '2,22p' "$0" >&2
  exit 2
fi
rounds=$1 group=$2 length=$3
shift 3
case "$group" in spsc|mpsc1|mpsc2) ;; *) echo "paired.sh: GROUP must be spsc, mpsc1 or mpsc2, was '$group'" >&2; exit 2 ;; esac
case "$rounds" in ''|*[!0-9]*) echo "paired.sh: ROUNDS must be a positive number, was '$rounds'" >&2; exit 2 ;; esac
for c in "$@"; do
  case "$c" in Agrona|Jctools|Disruptor|BlockingQueue) ;; *) echo "paired.sh: unknown contender '$c' (Agrona, Jctools, Disruptor, BlockingQueue)" >&2; exit 2 ;; esac
done
jar=logbuf-benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "paired.sh: $jar is missing: ./mvnw -B -q -pl logbuf-benchmarks -am package -DskipTests" >&2; exit 2; }
java_bin=${PAIRED_JAVA:-java}
out=${PAIRED_DIR:-/tmp/logbuf-paired}/$(date +%Y%m%d-%H%M%S)-$group-$length
mkdir -p "$out"
regex="throughput\\.($(IFS='|'; echo "Logbuf|$*"))Throughput\\.$group\$"
"$java_bin" -version 2>&1 | head -1
echo "$rounds rounds of: $regex, recordLength=$length; results in $out"
for r in $(seq 1 "$rounds"); do
  "$java_bin" -jar "$jar" "$regex" -p recordLength="$length" -f 1 -wi 2 -i 3 -w 1 -r 1 \
    -rf json -rff "$out/round-$r.json" > "$out/round-$r.log" 2>&1
done
python3 - "$out" "$rounds" <<'EOF'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
forks, ratios = {}, {}
for r in range(1, rounds + 1):
    score = {}
    for b in json.load(open(f"{out}/round-{r}.json")):
        name = b["benchmark"].split(".")[-2].replace("Throughput", "")
        its = [x for row in b["secondaryMetrics"]["records"]["rawData"] for x in row]
        score[name] = statistics.median(its)
        forks.setdefault(name, []).append(score[name])
    for name, s in score.items():
        if name != "Logbuf":
            ratios.setdefault(name, []).append(score["Logbuf"] / s)
for name, v in sorted(forks.items()):
    print(f"  {name:14s} M records/s per fork: " + " ".join(f"{x / 1e6:.1f}" for x in v))
for name, v in sorted(ratios.items()):
    print(f"  logbuf/{name:14s} per round: " + " ".join(f"{x:.2f}" for x in v)
          + f"   median {statistics.median(v):.2f}")
EOF
