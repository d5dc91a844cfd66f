#!/usr/bin/env bash
# Before/after in one run: times the two issue-17 throughput commands with another build (BEFORE: any
# executable that takes cellscope's arguments, e.g. another checkout's ./cellscope) and with this
# checkout's ./cellscope, interleaved with their peers (tshark, and tcpdump for read -T fields), so that
# load from other work falls on all alike. Reports the median wall and CPU (user + sys) of RUNS runs.
# Usage: bench/pairs.sh BEFORE [FRAMES] [RUNS]. Not a CI test; take /tmp/s25/bench.lock-style locks outside.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cellscope_need_packages tshark:tshark tcpdump:tcpdump
before=$1
frames=${2:-1000000}
runs=${3:-5}
bt=$(sample big-transfer "$frames")
mesh=$(sample mesh "$frames")
cat "$bt" "$mesh" >/dev/null # page cache
machine
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# time1 CMD...: "WALL CPU" of one run, output discarded
time1() {
  local r u s
  read -r r u s < <( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 )
  awk -v r="$r" -v u="$u" -v s="$s" 'BEGIN { printf "%s %.2f\n", r, u + s }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# compare NAME PEERS -- ARGS...: PEERS is a |-separated list of peer commands run on the same file
compare() {
  local name=$1 peers=$2 i w c p k
  shift 3
  local -a labels=(before after) cmds=("$before" "$here/cellscope")
  IFS='|' read -r -a extra <<<"$peers"
  declare -A wall cpu
  for i in $(seq "$runs"); do
    for k in 0 1; do
      read -r w c < <(time1 "${cmds[$k]}" "$@"); wall[$k]+="$w "; cpu[$k]+="$c "
    done
    for p in "${!extra[@]}"; do
      # shellcheck disable=SC2086 # a peer's command line is split on spaces on purpose
      read -r w c < <(time1 ${extra[$p]}); wall[p$p]+="$w "; cpu[p$p]+="$c "
    done
  done
  echo "== $name (median of $runs; load now $(cut -d' ' -f1-3 /proc/loadavg))"
  for k in 0 1; do
    printf '  %-58s %6.2f s  CPU %6.2f s   runs: %s\n' "cellscope ${labels[$k]}" \
      "$(tr ' ' '\n' <<<"${wall[$k]}" | grep . | median)" "$(tr ' ' '\n' <<<"${cpu[$k]}" | grep . | median)" "${wall[$k]}"
  done
  for p in "${!extra[@]}"; do
    printf '  %-58s %6.2f s  CPU %6.2f s   runs: %s\n' "${extra[$p]%% -r*}${extra[$p]##*pcapng}" \
      "$(tr ' ' '\n' <<<"${wall[p$p]}" | grep . | median)" "$(tr ' ' '\n' <<<"${cpu[p$p]}" | grep . | median)" "${wall[p$p]}"
  done
}

compare "read -T fields -e frame.number -e utcp.seq (big-transfer, $frames frames)" \
  "tshark -r $bt -T fields -e frame.number|tcpdump -r $bt -w /dev/null" -- read -r "$bt" -T fields -e frame.number -e utcp.seq
compare "read -q -z expert (full analysis, mesh, $frames frames)" \
  "tshark -r $mesh -T fields -e frame.number" -- read -r "$mesh" -q -z expert
compare "read -q -z expert --no-verify (mesh, $frames frames)" "" -- read -r "$mesh" -q -z expert --no-verify
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
