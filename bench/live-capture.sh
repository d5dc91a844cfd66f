#!/usr/bin/env bash
# Live capture while analysing: `cellscope probe -i` with each backend against `tcpdump -w /dev/null`
# and `dumpcap -w /dev/null` on the same traffic in the same run (issue 13's benchmark).
#
# tcpreplay sends a generated capture of endpoint-stack traffic (big-transfer: UTCP-SBI puts of
# 8 MiB files, 64 KiB zstd blocks, so the probe decompresses and BLAKE3-verifies every block) out of
# a veth end in a network namespace of its own, at each RATE (frames/s, or "topspeed"); each
# receiver captures on the other end in this namespace, one at a time. Per receiver and rate it
# prints frames sent, frames the receiver got, its drops (kernel/ring + its own), and the CPU it
# spent from "ready" to the end (all threads, /proc/PID/stat utime+stime), per million frames.
#
# Usage: bench/live-capture.sh [FRAMES (200000)] [RATE... (20000 50000 100000 topspeed)]
# Environment: BACKENDS (default "pcap afpacket"), PEERS (default "tcpdump dumpcap"), BUFFER_MIB (64),
#              PROBE_ARGS (more probe options, e.g. --no-verify), PROBE_CPUS (the probe's CPUs for taskset, default 1;
#              0,1 lets its threads use both cores, shared with the sender).
# Needs root (namespaces, veth, capture). Not a CI test. Cleans up what it makes.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cellscope_need_packages tcpreplay:tcpreplay tcpdump:tcpdump dumpcap:wireshark-common ip:iproute2 taskset:util-linux
frames=${1:-200000}
shift $(( $# < 1 ? $# : 1 ))
rates=("${@:-20000 50000 100000 topspeed}")
read -r -a rates <<<"${rates[*]}"
read -r -a backends <<<"${BACKENDS:-pcap afpacket}"
buffer=${BUFFER_MIB:-64}
read -r -a probe_args <<<"${PROBE_ARGS:-}"
cap=$(sample big-transfer "$frames")
pcap="$out/big-transfer-$frames.pcap" # tcpreplay wants pcap; the frames are the same
[ -f "$pcap" ] || tcpdump -r "$cap" -w "$pcap" 2>/dev/null
ns="cslive$$" rx="csl$$r" tx="csl$$s"
work=$(mktemp -d)
cleanup() { veth_down "$ns" "$rx"; rm -rf "$work"; }
trap cleanup EXIT
veth_up "$ns" "$rx" "$tx" 9000
send() { veth_send "$ns" "$tx" "$pcap" "$1"; } # rate -> "sent pps"

# receiver NAME: starts it in the background on CPU 1 (the sender and its softirq on CPU 0); sets pid, err, ready
start() {
  err="$work/$1.err"
  case $1 in
    tcpdump) taskset -c 1 tcpdump -i "$rx" -B $((buffer * 1024)) -w /dev/null 2>"$err" & ready="listening on" ;;
    dumpcap) taskset -c 1 dumpcap -q -i "$rx" -B "$buffer" -w /dev/null 2>"$err" & ready="Capturing on" ;;
    probe-*) taskset -c "${PROBE_CPUS:-1}" "$here/cellscope" probe -i "$rx" --backend "${1#probe-}" -B "$buffer" \
               -f 'ether proto 0x88b5 or udp port 34997' --status-interval 1h "${probe_args[@]}" 2>"$err" & ready="capturing on" ;;
  esac
  pid=$!
  await "$err" "$ready"
}

# stop: SIGINT/SIGTERM, then "got drops" from what the receiver says at its end
stop() {
  case $1 in
    tcpdump) kill -INT "$pid"; wait "$pid" || true
      echo "$(awk '/packets captured/ { print $1 }' "$err") $(awk '/dropped by kernel/ { print $1 }' "$err")" ;;
    dumpcap) kill -INT "$pid"; wait "$pid" || true
      # "Packets received/dropped on interface 'X': N/D (pcap:D/dumpcap:D/flushed:D/ps_ifdrop:D) (P%)"
      sed -n 's/.*: \([0-9]*\)\/\([0-9]*\) .*/\1 \2/p' "$err" | tail -1 ;;
    probe-*) kill -TERM "$pid"; wait "$pid" || true
      # "cellscope: stopped after T s: N frames, … drops D (kernel …)"
      sed -n 's/.*: \([0-9]*\) frames, .* drops \([0-9]*\) (.*/\1 \2/p' "$err" | tail -1 ;;
  esac
}

machine
echo "kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); $(basename "$pcap"): $frames frames, $(du -h "$pcap" | cut -f1); buffers $buffer MiB; probe options: ${probe_args[*]:-(none)}"
echo
echo "| rate (frames/s) | receiver | sent | achieved pps | captured | drops | CPU s | CPU s per M frames |"
echo "|---|---|---|---|---|---|---|---|"
read -r -a receivers <<<"${PEERS-tcpdump dumpcap}"
for b in "${backends[@]}"; do receivers+=("probe-$b"); done
for rate in "${rates[@]}"; do
  for r in "${receivers[@]}"; do
    start "$r"
    c0=$(cpu_of "$pid")
    read -r sent pps < <(send "$rate")
    sleep 2 # the receiver drains what it still has
    c1=$(cpu_of "$pid")
    stop "$r" >"$work/result" # not in a subshell: only this shell can wait for the receiver
    read -r got drops <"$work/result" || true
    awk -v rate="$rate" -v r="$r" -v s="$sent" -v p="$pps" -v g="${got:-0}" -v d="${drops:-?}" -v c="$(echo "$c1 - $c0" | bc)" 'BEGIN {
      printf "| %s | %s | %d | %d | %d | %s | %.2f | %.2f |\n", rate, r, s, p, g, d, c, g ? c / (g / 1e6) : 0 }'
  done
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
