#!/usr/bin/env bash
# Times the benchmark commands of this directory with two builds of cellscope on the same
# captures, e.g. before and after a re-cut: bench/compare-builds.sh OTHER_CHECKOUT [FRAMES] [RUNS]
# (make OTHER_CHECKOUT with `git worktree add /tmp/old REV`; each side runs its own ./cellscope).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
other=$(cd "$1" && pwd)
frames=${2:-1000000}
runs=${3:-1}
bulk=$(sample bulk "$frames")
mesh=$(sample mesh "$frames")
"$other/cellscope" --version >/dev/null # build the other side outside the timing
machine
printf '%-58s %10s %10s\n' "command ($frames frames, best of $runs)" "other" "this"
row() {
  local name=$1
  shift
  local a b
  a=$(best "$runs" "$other/cellscope" "$@")
  b=$(best "$runs" "$here/cellscope" "$@")
  printf '%-58s %9.2fs %9.2fs\n' "$name" "$a" "$b"
}
row "read -T fields -e frame.number -e utcp.seq (bulk)" read -r "$bulk" -T fields -e frame.number -e utcp.seq
row "same with -Y 'utcp.flags.data == 1 && utcp.seq > 1000 && !tether'" read -r "$bulk" -T fields -e frame.number -e utcp.seq \
  -Y 'utcp.flags.data == 1 && utcp.seq > 1000 && !tether'
row "read -q -z expert (full analysis, mesh)" read -r "$mesh" -q -z expert
row "stats --flows - --kind all (mesh)" stats -r "$mesh" --flows - --kind all
