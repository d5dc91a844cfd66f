#!/usr/bin/env bash
# Times `cellscope read -T fields` with and without a typical three-clause display filter on
# the same generated capture (goal: the filter costs less than 20%). Usage: bench/filter.sh
# [FRAMES] [RUNS]. Not a CI test.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/scripts/env.sh"
frames=${1:-1000000}
runs=${2:-5}
out="$here/bench/out"
mkdir -p "$out"
cap="$out/bulk-$frames.pcapng"
[ -f "$cap" ] || "$here/cellscope" samples generate bulk --frames "$frames" -o "$cap"
"$here/cellscope" --version >/dev/null
filter='utcp.flags.data == 1 && utcp.seq > 1000 && !tether'

best() {
  local best=999999 t
  for _ in $(seq "$runs"); do
    t=$( { TIMEFORMAT=%R; time "$@" >/dev/null 2>&1; } 2>&1 )
    best=$(echo "$t $best" | awk '{print ($1 < $2) ? $1 : $2}')
  done
  echo "$best"
}
cat "$cap" > /dev/null # page cache
p=$(best "$here/cellscope" read -r "$cap" -T fields -e frame.number -e utcp.seq)
f=$(best "$here/cellscope" read -r "$cap" -T fields -e frame.number -e utcp.seq -Y "$filter")
matched=$("$here/cellscope" read -r "$cap" -T fields -e frame.number -Y "$filter" 2>/dev/null | wc -l)
echo "capture: $cap ($frames frames; the filter matches $matched)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf 'plain:    %6.2f s\nfiltered: %6.2f s  (-Y %s)\n' "$p" "$f" "$filter"
awk -v p="$p" -v f="$f" 'BEGIN { printf "filter overhead: %+.0f%% (goal: < 20%%)\n", 100 * (f - p) / p }'
