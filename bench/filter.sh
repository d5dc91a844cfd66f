#!/usr/bin/env bash
# Times `cellscope read -T fields` with and without a typical three-clause display filter on
# the same generated capture (goal: the filter costs less than 20%). Usage: bench/filter.sh
# [FRAMES] [RUNS]. Not a CI test.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
frames=${1:-1000000}
runs=${2:-5}
cap=$(sample bulk "$frames")
filter='utcp.flags.data == 1 && utcp.seq > 1000 && !tether'

cat "$cap" > /dev/null # page cache
# interleaved: plain and filtered in turn, so that load from other work falls on both alike; best of RUNS each
p=999999 f=999999
for _ in $(seq "$runs"); do
  t=$(best 1 "$here/cellscope" read -r "$cap" -T fields -e frame.number -e utcp.seq)
  p=$(awk -v a="$t" -v b="$p" 'BEGIN { print (a < b) ? a : b }')
  t=$(best 1 "$here/cellscope" read -r "$cap" -T fields -e frame.number -e utcp.seq -Y "$filter")
  f=$(awk -v a="$t" -v b="$f" 'BEGIN { print (a < b) ? a : b }')
done
matched=$("$here/cellscope" read -r "$cap" -T fields -e frame.number -Y "$filter" 2>/dev/null | wc -l)
echo "capture: $cap ($frames frames; the filter matches $matched)"
machine
printf 'plain:    %6.2f s\nfiltered: %6.2f s  (-Y %s)\n' "$p" "$f" "$filter"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v p="$p" -v f="$f" 'BEGIN { printf "filter overhead: %+.0f%% (goal: < 20%%)\n", 100 * (f - p) / p }'
figure "read -T fields with -Y filter (bulk, $frames frames)" "$f" "the same read without -Y" "$p"
