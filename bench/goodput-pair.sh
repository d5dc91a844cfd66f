#!/usr/bin/env bash
# Paired, interleaved goodput runs of two builds (issue 12 item 8): for each of PAIRS rounds, one
# bench/goodput.sh run of BASE's launcher, then one of this checkout's (or NEW's), same rows, so load
# changes hit both alike. Prints each run's rows tagged base/new, then the medians of the transfer seconds.
#
#   bench/goodput-pair.sh BASE_LAUNCHER [PAIRS] [SIZES]     e.g. bench/out/base/cellscope 4 "1M 100M"
#   PROTOS / LOSSES / STORE_DIR as bench/goodput.sh; NEW=PATH another launcher instead of ./cellscope
# The UDP ceiling is measured once (iperf3), before the first pair.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base=$1 pairs=${2:-3} sizes=${3:-"1M 100M"}
new=${NEW:-$here/cellscope}
"$new" --version >/dev/null; "$base" --version >/dev/null
first=$("$here/bench/goodput.sh" 1 "" 2>/dev/null | grep -oE 'sent [0-9]+ Mbit/s.*received [0-9]+' | grep -oE '[0-9]+' | tr '\n' ' ')
export CEILING="$first"
echo "ceiling (sent received Mbit/s): $CEILING; load $(cut -d' ' -f1-3 /proc/loadavg)"
out=$(mktemp)
for i in $(seq "$pairs"); do
  for who in base new; do
    cs=$base; [ $who = new ] && cs=$new
    CS=$cs "$here/bench/goodput.sh" 1 "$sizes" | grep -E '^\| (SBI|Tether)' | sed "s/^/$who $i /" | tee -a "$out"
  done
  echo "load after pair $i: $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "medians of transfer seconds (base -> new):"
awk -F'|' '{split($1, w, " "); key=$2"|"$3"|"$4; gsub(/ +/, " ", key); v[w[1]" "key]=v[w[1]" "key]" "$5; keys[key]=1}
  END{for (k in keys) printf "%s: %s ->%s\n", k, v["base "k], v["new "k]}' "$out" | sort
rm -f "$out"
