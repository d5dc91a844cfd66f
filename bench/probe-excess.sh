#!/usr/bin/env bash
# What the live path costs beyond the offline analysis, on the SAME capture (issue 13's benchmark).
#
# Per frame, CPU (user + sys, all threads) of:
#   read -q -z expert -r FILE   the analysis offline (marginal: the run of the whole file minus a run of -c 20000,
#                               so JVM start-up and warm-up drop out)
#   probe -r FILE               the probe's outputs on top of it (flow table, findings, metrics), offline, the same way
#   probe -i (each backend)     live: tcpreplay sends FILE at RATE frames/s from a veth end in a namespace of its own
#                               (sender pinned to CPU 0, probe to CPU 1); CPU from "capturing on" to the end
# and, at the same rate, tcpdump -w /dev/null for scale.
#
# Usage: bench/probe-excess.sh [FRAMES (500000)] [RATE (50000)]
# Environment: BACKENDS (default "afpacket"), BUFFER_MIB (64), PROBE_ARGS (extra probe options, e.g. --no-verify),
#              LIVE_ONLY=1 (only the probe, live), STATUS=1s (print the probe's status lines: drops over time), JFR=DIR (record a JFR profile, settings=profile, of each live probe run into DIR).
# Needs root (namespaces, veth, capture). Not a CI test. Take /tmp/s25/bench.lock (flock) around it on a shared machine.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cellscope_need_packages tcpreplay:tcpreplay tcpdump:tcpdump ip:iproute2 taskset:util-linux
frames=${1:-500000}
rate=${2:-50000}
read -r -a backends <<<"${BACKENDS:-afpacket}"
read -r -a extra <<<"${PROBE_ARGS:-}"
buffer=${BUFFER_MIB:-64}
short=20000
cap=$(sample big-transfer "$frames")
pcap="$out/big-transfer-$frames.pcap"
[ -f "$pcap" ] || tcpdump -r "$cap" -w "$pcap" 2>/dev/null
total=$(tcpdump -r "$pcap" -w /dev/null 2>&1 | awk '/packets/ { print $1; exit }' || true)
[ -n "$total" ] || total=$(capinfos -c -M "$pcap" | awk '/Number of packets/ { print $NF }')

cpu_run() { # CMD... -> user+sys seconds of the whole run
  /usr/bin/time -f '%U %S' -o "$work/time" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  awk '{ printf "%.2f", $1 + $2 }' "$work/time"
}
ns="csexc$$" rx="cse$$r" tx="cse$$s"
work=$(mktemp -d)
cleanup() { veth_down "$ns" "$rx"; rm -rf "$work"; }
trap cleanup EXIT

machine
echo "kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); $(basename "$cap"): $total frames; live at $rate frames/s, buffers $buffer MiB; probe options: ${extra[*]:-(none)}"
echo
echo "| what | frames | CPU s | µs CPU per frame |"
echo "|---|---|---|---|"
offline() { # NAME ARGS...: marginal CPU per frame of the whole file over its first $short frames
  local name=$1; shift
  local all part
  all=$(cpu_run "$here/cellscope" "$@" -r "$cap")
  part=$(cpu_run "$here/cellscope" "$@" -c "$short" -r "$cap")
  awk -v n="$name" -v a="$all" -v p="$part" -v t="$total" -v s="$short" 'BEGIN {
    printf "| %s (whole file minus -c %d) | %d | %.2f | %.2f |\n", n, s, t - s, a - p, (a - p) / (t - s) * 1e6 }'
}
if [ -z "${LIVE_ONLY:-}" ]; then
  offline "read -q -z expert ${extra[*]}" read -q -z expert "${extra[@]}"
  offline "probe -r ${extra[*]}" probe --status-interval 0 "${extra[@]}"
fi

veth_up "$ns" "$rx" "$tx" 9000 # bench/lib.sh
live() { # NAME CMD...: started on CPU 1; CPU from ready to 2 s after the sender ended, per frame captured
  local name=$1 ready=$2; shift 2
  local err="$work/live.err"
  taskset -c 1 "$@" 2>"$err" &
  local pid=$!
  await "$err" "$ready"
  local c0 c1 sent pps got drops
  c0=$(cpu_of "$pid")
  read -r sent pps < <(ip netns exec "$ns" taskset -c 0 tcpreplay -K -q --pps="$rate" -i "$tx" "$pcap" 2>&1 |
    awk '/Actual:/ { n = $2 } /Rated:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^pps/) r = $i } END { printf "%d %.0f\n", n, r }')
  sleep 2
  c1=$(cpu_of "$pid")
  threads "$pid" >"$work/threads"
  kill -TERM "$pid"; wait "$pid" || true
  case $name in
    tcpdump*) got=$(awk '/packets captured/ { print $1 }' "$err"); drops=$(awk '/dropped by kernel/ { print $1 }' "$err") ;;
    *) read -r got drops < <(sed -n 's/.*: \([0-9]*\) frames, .* drops \([0-9]*\) (.*/\1 \2/p' "$err" | tail -1) ;;
  esac
  awk -v n="$name" -v g="${got:-0}" -v d="${drops:-?}" -v p="$pps" -v c="$(echo "$c1 - $c0" | bc)" 'BEGIN {
    printf "| %s (achieved %d frames/s; drops %s) | %d | %.2f | %.2f |\n", n, p, d, g, c, g ? c / g * 1e6 : 0 }'
  [ -n "${STATUS:-}" ] && [ "${name#tcpdump}" = "$name" ] && grep -v '^\[' "$err" | sed 's/^/    /'
  [ "${name#tcpdump}" = "$name" ] && awk -v g="${got:-0}" '{ printf "|   thread %s (whole run; %d context switches) | | %.2f | %.2f |\n", $1, $3, $2, g ? $2 / g * 1e6 : 0 }' "$work/threads"
  return 0
}
# threads PID: "NAME CPU_S" of its threads (the JVM's, by comm), busiest first, those above 0.05 s; GC and compiler threads summed
threads() {
  local t
  for t in /proc/"$1"/task/*; do
    sed 's/^[0-9]* (\(.*\)) [A-Z] /\1\t/' "$t/stat" | awk -F'\t' -v hz="$(getconf CLK_TCK)" '{ split($2, f, " "); n = $1;
      if (n ~ /^GC Thread/) n = "GC"; else if (n ~ /^C[12] Compiler/) n = substr(n, 1, 2) "-compiler"; gsub(/ /, "_", n);
      printf "%s %.2f ", n, (f[11] + f[12]) / hz }'
    awk '/^voluntary_ctxt_switches/ { v = $2 } /^nonvoluntary_ctxt_switches/ { n = $2 } END { print v + n }' "$t/status"
  done | awk '{ s[$1] += $2; c[$1] += $3 } END { for (n in s) if (s[n] >= 0.05) print n, s[n], c[n] }' | sort -k2 -rn
}
[ -n "${LIVE_ONLY:-}" ] || live "tcpdump -w /dev/null" "listening on" tcpdump -i "$rx" -B $((buffer * 1024)) -w /dev/null
for b in "${backends[@]}"; do
  jfr=()
  if [ -n "${JFR:-}" ]; then
    mkdir -p "$JFR"
    jfr=(env JAVA_TOOL_OPTIONS="-XX:StartFlightRecording=settings=profile,filename=$JFR/probe-$b.jfr")
  fi
  live "probe -i --backend $b ${extra[*]}" "capturing on" "${jfr[@]}" "$here/cellscope" probe -i "$rx" --backend "$b" -B "$buffer" \
    -f 'ether proto 0x88b5 or udp port 34997' --status-interval "${STATUS:-1h}" "${extra[@]}"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
