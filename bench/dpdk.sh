#!/usr/bin/env bash
# CPU per frame of `cellscope probe --backend dpdk` (DPDK's net_af_packet device through FFM, backing
# off when idle, and with CELLSCOPE_DPDK_BUSY_POLL=1) against `--backend afpacket` and DPDK's own
# `dpdk-testpmd --forward-mode=rxonly` on the same net_af_packet device, on the same veth traffic in
# one run (issue 14's benchmark, in part: no AF_XDP backend, no tcpdump here; bench/live-capture.sh has those).
#
# tcpreplay sends a generated capture (big-transfer: UTCP-SBI puts, so the probe decompresses and
# BLAKE3-verifies every block) out of a veth end in a namespace of its own, at each RATE; each receiver
# captures on the other end, one at a time, pinned to CPU 1 (the sender on CPU 0). No capture filter
# (the dpdk backend has none). Per receiver and rate: frames sent, received, drops, CPU from "ready"
# to the end (all threads, /proc/PID/stat), per million frames.
#
# Usage: bench/dpdk.sh [FRAMES (100000)] [RATE... (50000 topspeed)]
# Needs root and Debian's dpdk + dpdk-dev. Not a CI test. Cleans up what it makes.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cellscope_need_packages tcpreplay:tcpreplay tcpdump:tcpdump ip:iproute2 taskset:util-linux dpdk-testpmd:dpdk-dev
cellscope_need_files "${CELLSCOPE_DPDK_FILES[@]}"
frames=${1:-100000}
shift $(( $# < 1 ? $# : 1 ))
rates=("${@:-50000 topspeed}")
read -r -a rates <<<"${rates[*]}"
cap=$(sample big-transfer "$frames")
pcap="$out/big-transfer-$frames.pcap"
[ -f "$pcap" ] || tcpdump -r "$cap" -w "$pcap" 2>/dev/null
ns="csdpdk$$" rx="csd$$r" tx="csd$$s"
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
    testpmd) # main lcore on CPU 0 (stats), the rxonly forwarding lcore polling on CPU 1; the same device the dpdk backend makes for a 9000 MTU (framesz 16 KiB), 8191 mbufs of 16 KiB + headroom
      dpdk-testpmd -l 0,1 --main-lcore 0 --no-huge -m 512 --no-pci --no-telemetry --file-prefix="csbench$$" \
        --vdev="net_af_packet0,iface=$rx,qpairs=1,blocksz=16384,framesz=16384,framecnt=512" -- \
        --forward-mode=rxonly --stats-period 1 --total-num-mbufs=8191 --mbuf-size=16512 \
        >"$err" 2>&1 </dev/null & ready="Rx-pps" ;;
    probe-dpdk-busy) CELLSCOPE_DPDK_BUSY_POLL=1 taskset -c 1 "$here/cellscope" probe -i "$rx" --backend dpdk --status-interval 1h 2>"$err" &
      ready="capturing on" ;;
    probe-*) taskset -c 1 "$here/cellscope" probe -i "$rx" --backend "${1#probe-}" --status-interval 1h 2>"$err" & ready="capturing on" ;;
  esac
  pid=$!
  await "$err" "$ready"
}

stop() {
  case $1 in
    testpmd) kill -INT "$pid"; wait "$pid" || true
      # the final "Forward statistics for port 0": "RX-packets: N  RX-dropped: D  RX-total: T"
      awk '/RX-packets:/ { n = $2; d = $4 } END { print n, d }' "$err" ;;
    probe-*) kill -TERM "$pid"; wait "$pid" || true
      sed -n 's/.*: \([0-9]*\) frames, .* drops \([0-9]*\) (.*/\1 \2/p' "$err" | tail -1 ;;
  esac
}

machine
echo "kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); $(basename "$pcap"): $frames frames, $(du -h "$pcap" | cut -f1)"
echo
echo "| rate (frames/s) | receiver | sent | achieved pps | received | drops | CPU s | CPU s per M frames |"
echo "|---|---|---|---|---|---|---|---|"
receivers=(testpmd probe-afpacket probe-dpdk probe-dpdk-busy)
for rate in "${rates[@]}"; do
  for r in "${receivers[@]}"; do
    start "$r"
    c0=$(cpu_of "$pid")
    read -r sent pps < <(send "$rate")
    sleep 2
    c1=$(cpu_of "$pid")
    stop "$r" >"$work/result"
    read -r got drops <"$work/result" || true
    awk -v rate="$rate" -v r="$r" -v s="$sent" -v p="$pps" -v g="${got:-0}" -v d="${drops:-?}" -v c="$(echo "$c1 - $c0" | bc)" 'BEGIN {
      printf "| %s | %s | %d | %d | %d | %s | %.2f | %.2f |\n", rate, r, s, p, g, d, c, g ? c / (g / 1e6) : 0 }'
  done
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
