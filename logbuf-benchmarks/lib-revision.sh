# Sourced by ab.sh and instructions.sh, from the repository root.
# build_revision REV DIR: builds the benchmarks jar of REV (a git revision, "." for the
# working tree with its uncommitted changes, or the path of another source tree) in a
# scratch copy under DIR, offline, nothing installed; prints the jar's path. A git
# revision's build is reused when it exists.
build_revision() {
  local rev=$1 ab_dir=$2 dir
  mkdir -p "$ab_dir"
  if [ "$rev" = . ]; then
    dir="$ab_dir/worktree"
    rm -rf "$dir" && mkdir -p "$dir"
    git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$dir"
  elif [ -d "$rev" ]; then
    dir="$ab_dir/tree-$(basename "$rev")"
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$rev" && tar -c --exclude=target --exclude=.git .) | tar -x -C "$dir"
  else
    local sha
    sha=$(git rev-parse --short "$rev")
    dir="$ab_dir/$sha"
    if [ -f "$dir/logbuf-benchmarks/target/benchmarks.jar" ]; then
      echo "$dir/logbuf-benchmarks/target/benchmarks.jar"
      return
    fi
    rm -rf "$dir" && mkdir -p "$dir"
    git archive "$sha" | tar -x -C "$dir"
  fi
  (cd "$dir" && ./mvnw -B -q -o -pl logbuf-benchmarks -am package -DskipTests -Dspring-javaformat.skip=true) >&2
  echo "$dir/logbuf-benchmarks/target/benchmarks.jar"
}
