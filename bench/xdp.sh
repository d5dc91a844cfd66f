#!/usr/bin/env bash
# CPU per frame of `cellscope probe --backend xdp` (AF_XDP through FFM: libxdp's program on the veth,
# the UMEM rings read from Java) against `--backend afpacket` and `tcpdump -w /dev/null`, on the same
# veth traffic in one run (issue 14's benchmark, the AF_XDP part; bench/dpdk.sh has DPDK and testpmd).
#
# tcpreplay sends a generated capture (big-transfer: UTCP-SBI puts, so the probe decompresses and
# BLAKE3-verifies every block) out of a veth end in a namespace of its own, at each RATE; each receiver
# captures on the other end, one at a time, pinned to CPU 1 (the sender on CPU 0). No capture filter.
# Per receiver and rate: frames sent, received, drops, CPU from "ready" to the end (all threads,
# /proc/PID/stat), per million frames received.
#
# Usage: bench/xdp.sh [FRAMES (100000)] [RATE... (50000 topspeed)]
# Needs root and Debian's libxdp1, libbpf1. Not a CI test. Cleans up what it makes.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cellscope_need_packages tcpreplay:tcpreplay tcpdump:tcpdump ip:iproute2 taskset:util-linux
cellscope_need_files "${CELLSCOPE_XDP_FILES[@]}"
frames=${1:-100000}
shift $(( $# < 1 ? $# : 1 ))
rates=("${@:-50000 topspeed}")
read -r -a rates <<<"${rates[*]}"
cap=$(sample big-transfer "$frames")
pcap="$out/big-transfer-$frames.pcap"
[ -f "$pcap" ] || tcpdump -r "$cap" -w "$pcap" 2>/dev/null
ns="csxdp$$" rx="csx$$r" tx="csx$$s"
work=$(mktemp -d)
cleanup() { ip link del "$rx" 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ip netns add "$ns"
ip link add "$rx" type veth peer name "$tx" netns "$ns"
echo 1 >"/proc/sys/net/ipv6/conf/$rx/disable_ipv6"
ip netns exec "$ns" sh -c "echo 1 > /proc/sys/net/ipv6/conf/$tx/disable_ipv6"
ip link set "$rx" mtu 9000 up
ip netns exec "$ns" ip link set "$tx" mtu 9000 up

send() { # rate -> "sent pps"
  local opt=--topspeed
  [ "$1" != topspeed ] && opt="--pps=$1"
  ip netns exec "$ns" taskset -c 0 tcpreplay -K -q "$opt" -i "$tx" "$pcap" 2>&1 |
    awk '/Actual:/ { n = $2 } /Rated:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^pps/) r = $i } END { printf "%d %.0f\n", n, r }'
}
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
await() { for _ in $(seq 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no '$2' in $1:"; cat "$1"; exit 1; }

start() {
  err="$work/$1.err"
  case $1 in
    tcpdump) taskset -c 1 tcpdump -i "$rx" -w /dev/null 2>"$err" & ready="listening on" ;;
    probe-*) taskset -c 1 "$here/cellscope" probe -i "$rx" --backend "${1#probe-}" --status-interval 1h 2>"$err" & ready="capturing on" ;;
  esac
  pid=$!
  await "$err" "$ready"
}

stop() {
  case $1 in
    tcpdump) kill -INT "$pid"; wait "$pid" || true
      awk '/packets captured/ { n = $1 } /dropped by kernel/ { d = $1 } END { print n, d }' "$err" ;;
    probe-*) kill -TERM "$pid"; wait "$pid" || true
      sed -n 's/.*: \([0-9]*\) frames, .* drops \([0-9]*\) (.*/\1 \2/p' "$err" | tail -1 ;;
  esac
}

machine
echo "kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); $(basename "$pcap"): $frames frames, $(du -h "$pcap" | cut -f1)"
echo
echo "| rate (frames/s) | receiver | sent | achieved pps | received | drops | CPU s | CPU s per M frames | load |"
echo "|---|---|---|---|---|---|---|---|---|"
receivers=(tcpdump probe-afpacket probe-xdp)
for rate in "${rates[@]}"; do
  for r in "${receivers[@]}"; do
    start "$r"
    c0=$(cpu_of "$pid")
    read -r sent pps < <(send "$rate")
    sleep 2
    c1=$(cpu_of "$pid")
    stop "$r" >"$work/result"
    read -r got drops <"$work/result" || true
    awk -v rate="$rate" -v r="$r" -v s="$sent" -v p="$pps" -v g="${got:-0}" -v d="${drops:-?}" -v c="$(echo "$c1 - $c0" | bc)" \
      -v l="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
      printf "| %s | %s | %d | %d | %d | %s | %.2f | %.2f | %s |\n", rate, r, s, p, g, d, c, g ? c / (g / 1e6) : 0, l }'
  done
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
