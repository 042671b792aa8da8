#!/usr/bin/env bash
# A/B of two versions of logbuf on the same machine, alternating: builds the benchmarks
# jar of revision A and of revision B (a git revision, "." for the working tree with
# its uncommitted changes, or the path of another source tree, e.g. a scratch copy with
# an experiment applied) in scratch copies under $AB_DIR, then runs the same JMH
# selection ROUNDS times, A then B then A..., one fork each, so that whatever else the
# machine is doing lands on both alike. Prints, per benchmark and parameter, the median
# of each side's per-fork scores (records/s read by the consumer), their spread (min..max)
# and B/A; the median of the per-round ratios B/A, which pairs forks that ran next to
# each other; and "best", B's best fork over A's best (lowest ns/op, highest rate): on a
# machine others load, interference only ever makes a fork slower, so the best forks are
# the least disturbed. Include an unchanged benchmark as a control: its B/A shows the
# noise. Nothing is installed; the scratch copies build offline from the local
# repository.
#
#   logbuf-benchmarks/ab.sh A B ROUNDS [JMH arguments...]
#   logbuf-benchmarks/ab.sh --summarize RUN_DIR      (the table again, from a run's JSON)
#   e.g. logbuf-benchmarks/ab.sh HEAD~1 . 6 'throughput.LogbufThroughput.spsc$' -p recordLength=256,2048
#
# Environment: AB_DIR (default /tmp/logbuf-ab), AB_JAVA (default java on the PATH),
# AB_WARMUP/AB_ITERATIONS (default 2 and 4 one-second iterations), AB_METRIC
# (default records, the consumer's rate; "primary" for the benchmark's own score, e.g.
# ns/op of path.OneThreadPath, where lower is better).
set -euo pipefail
cd "$(dirname "$0")/.."
summarize() { # run directory, metric
python3 - "$1" "$2" <<'EOF'
import json, sys, glob, statistics, os
out, metric = sys.argv[1], sys.argv[2]
scores = {}  # (bench, params) -> side -> round -> score
for path in glob.glob(os.path.join(out, "*.json")):
    side, rnd = os.path.basename(path)[:-5].split("-")
    for r in json.load(open(path)):
        key = (r["benchmark"].split(".", 3)[-1], ",".join(f"{k}={v}" for k, v in sorted(r.get("params", {}).items())))
        sec = r["primaryMetric"] if metric == "primary" else r.get("secondaryMetrics", {}).get(metric)
        if sec is None:
            continue
        raw = [x for fork in sec["rawData"] for x in fork]
        scores.setdefault(key, {}).setdefault(side, {})[int(rnd)] = statistics.median(raw)
print(f"{'benchmark':44} {'params':24} {'A median':>10} {'A min..max':>17} {'B median':>10} {'B min..max':>17} {'B/A':>6} {'paired':>7} {'best':>6}")
for key in sorted(scores):
    a, b = scores[key].get("A", {}), scores[key].get("B", {})
    if not a or not b:
        continue
    am, bm = statistics.median(a.values()), statistics.median(b.values())
    paired = statistics.median(b[r] / a[r] for r in a if r in b)
    f = (lambda v: f"{v:.2f}") if metric == "primary" else (lambda v: f"{v/1e6:.2f}M")
    best = (min(b.values()) / min(a.values())) if metric == "primary" else (max(b.values()) / max(a.values()))
    print(f"{key[0]:44} {key[1]:24} {f(am):>10} {f(min(a.values()))+'..'+f(max(a.values())):>17} "
          f"{f(bm):>10} {f(min(b.values()))+'..'+f(max(b.values())):>17} {bm/am:6.3f} {paired:7.3f} {best:6.3f}")
EOF
}

if [ "${1:-}" = --summarize ]; then
  summarize "$2" "${AB_METRIC:-records}"
  exit 0
fi
if [ $# -lt 3 ]; then
  sed -n '2,17p' "$0" >&2
  exit 2
fi
rev_a=$1 rev_b=$2 rounds=$3
shift 3
ab_dir=${AB_DIR:-/tmp/logbuf-ab}
java=${AB_JAVA:-java}
mkdir -p "$ab_dir"

# shellcheck source=lib-revision.sh
. logbuf-benchmarks/lib-revision.sh

jar_a=$(build_revision "$rev_a" "$ab_dir")
cp "$jar_a" "$ab_dir/A.jar"
jar_b=$(build_revision "$rev_b" "$ab_dir")
cp "$jar_b" "$ab_dir/B.jar"
out="$ab_dir/run-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
echo "A = $rev_a, B = $rev_b; $rounds rounds; results in $out" >&2
for round in $(seq 1 "$rounds"); do
  for side in A B; do
    "$java" -Djmh.ignoreLock=true -jar "$ab_dir/$side.jar" "$@" -f 1 -wi "${AB_WARMUP:-2}" -w 1 \
        -i "${AB_ITERATIONS:-4}" -r 1 -rf json -rff "$out/$side-$round.json" > "$out/$side-$round.log" 2>&1 \
      || { echo "round $round $side failed: $out/$side-$round.log" >&2; exit 1; }
  done
  echo "round $round done" >&2
done
summarize "$out" "${AB_METRIC:-records}"
