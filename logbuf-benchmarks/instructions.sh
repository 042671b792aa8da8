#!/usr/bin/env bash
# Instructions per record of one thread's write and drain path (path.PathLoop: claim,
# copy, commit or offer; a drain of up to 256 records whenever the ring is full), counted
# by valgrind's callgrind: unlike time, the count does not depend on what else the
# machine is doing, so an A/B of a change to the claim/commit/drain path is exact even
# while others build. Each configuration runs twice, with INSTR_RECORDS' two record
# counts; (instructions of the long run - those of the short run) / (difference in
# records) is the steady-state cost of one record, JVM start-up and JIT compilation
# cancelled out (-Xbatch compiles in the foreground, which makes the counts repeatable
# to about 0.01%). It counts instructions, not time: a cache miss or a line moved
# between cores costs one instruction here, so this says nothing about the two-thread
# figures (ab.sh measures those).
#
#   logbuf-benchmarks/instructions.sh A [B]
#
# A and B: as in ab.sh (a git revision, "." for the working tree, or a source tree).
# Environment: INSTR_CONFIGS (default "SPSC:claim:64 MPSC:claim:64 SPSC:offer:64
# MPSC:offer:64 SPSC:claim:2048 MPSC:claim:2048", each TYPE:claim|offer:LENGTH),
# INSTR_RECORDS (default "1000000 2000000"), INSTR_JAVA (default java on the PATH),
# AB_DIR (default /tmp/logbuf-ab). About 40 s per configuration and side.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  sed -n '2,21p' "$0" >&2
  exit 2
fi
command -v valgrind > /dev/null || { echo "instructions.sh: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
ab_dir=${AB_DIR:-/tmp/logbuf-ab}
java=${INSTR_JAVA:-java}
configs=${INSTR_CONFIGS:-SPSC:claim:64 MPSC:claim:64 SPSC:offer:64 MPSC:offer:64 SPSC:claim:2048 MPSC:claim:2048}
read -r short long <<< "${INSTR_RECORDS:-1000000 2000000}"

# shellcheck source=lib-revision.sh
. logbuf-benchmarks/lib-revision.sh

sides=(A)
jars=("$(build_revision "$1" "$ab_dir")")
cp "${jars[0]}" "$ab_dir/instr-A.jar"
jars[0]="$ab_dir/instr-A.jar"
if [ $# -ge 2 ]; then
  sides+=(B)
  jar_b=$(build_revision "$2" "$ab_dir")
  cp "$jar_b" "$ab_dir/instr-B.jar"
  jars+=("$ab_dir/instr-B.jar")
fi
out="$ab_dir/instr-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
echo "A = $1${2:+, B = $2}; records $short and $long; $("$java" -version 2>&1 | head -1); callgrind files in $out" >&2

count() { # jar config records -> total instructions
  local jar=$1 type api length file
  IFS=: read -r type api length <<< "$2"
  file="$out/$(basename "$jar" .jar)-$type-$api-$length-$3.out"
  valgrind --tool=callgrind --callgrind-out-file="$file" --smc-check=all-non-file -q \
    "$java" -Xbatch -XX:+UseSerialGC -XX:CICompilerCount=2 -cp "$jar" dev.logbuf.benchmarks.path.PathLoop \
    "$type" "$api" "$length" "$3" > /dev/null
  sed -n 's/^summary: //p' "$file"
}

printf '%-18s' "config"
for side in "${sides[@]}"; do printf ' %14s' "$side instr/rec"; done
[ ${#sides[@]} -eq 2 ] && printf ' %10s %8s' "B-A" "B/A"
printf '\n'
for config in $configs; do
  printf '%-18s' "$config"
  per=()
  for i in "${!sides[@]}"; do
    a=$(count "${jars[$i]}" "$config" "$short")
    b=$(count "${jars[$i]}" "$config" "$long")
    per+=("$(python3 -c "print(f'{($b - $a) / ($long - $short):.1f}')")")
    printf ' %14s' "${per[$i]}"
  done
  if [ ${#sides[@]} -eq 2 ]; then
    python3 -c "a, b = ${per[0]}, ${per[1]}; print(f' {b - a:10.1f} {b / a:8.3f}', end='')"
  fi
  printf '\n'
done
