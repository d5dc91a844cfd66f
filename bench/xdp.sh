#!/usr/bin/env bash
# Issue 14's benchmark in one run: the zero-drop maximum rate and the CPU per million frames of
# `cellscope probe` through AF_XDP (--backend xdp, also with --busy-poll), DPDK's net_af_packet and
# net_af_xdp virtual devices (--backend dpdk, -i IF and -i af_xdp:IF) and the AF_PACKET ring
# (--backend afpacket), against `tcpdump -w /dev/null` and DPDK's own `dpdk-testpmd` in rxonly mode on
# the same two devices, all on the same veth traffic.
#
# tcpreplay sends a generated capture (big-transfer: UTCP-SBI puts, so the probe decompresses and
# BLAKE3-verifies every block; frames of at most 1454 bytes, so a 1500 MTU, which net_af_xdp needs on
# a veth) out of a veth end in a namespace of its own, at each RATE in turn; each receiver captures on
# the other end, one at a time, pinned to CPU 1 (the sender and the veth's softirq on CPU 0). No
# capture filter (the dpdk backend and testpmd have none). Every receiver gets the same buffer
# (BUFFER_MIB: tcpdump -B, the probe's -B, testpmd's af_packet ring). Per receiver and rate: frames
# sent, received, drops, CPU from "ready" to the end (all threads, /proc/PID/stat), per million frames
# received, frames the veth itself lost before any receiver saw them (its ring to the receiving end
# full: the sending end's tx_dropped; no receiver can count those), and the load average. Then per
# receiver: the highest achieved rate at which it received every frame sent with no drop counted (the
# zero-drop maximum among the rates tried).
#
# Usage: bench/xdp.sh [FRAMES (30000)] [RATE... (10000 20000 40000 topspeed)]
# Environment: RECEIVERS (default: all below), BUFFER_MIB (64), BENCH_LOCK (a file to flock(1) around
# the measurements only, e.g. /tmp/s25/bench.lock, so that two benchmarks never time at once).
# Receivers: tcpdump probe-afpacket probe-xdp probe-xdp-busy probe-dpdk probe-dpdk-xdp testpmd-af_packet testpmd-af_xdp
# (and probe-dpdk-busy: --backend dpdk --busy-poll; bench/dpdk.sh runs the DPDK rows only)
# Needs root, Debian's libxdp1, libbpf1, dpdk, librte-net-af-xdp23, dpdk-dev. Not a CI test. Cleans up what it makes.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cellscope_need_packages tcpreplay:tcpreplay tcpdump:tcpdump ip:iproute2 taskset:util-linux flock:util-linux
cellscope_need_files "${CELLSCOPE_XDP_FILES[@]}" "${CELLSCOPE_DPDK_FILES[@]}"
frames=${1:-30000}
shift $(( $# < 1 ? $# : 1 ))
rates=("${@:-10000 20000 40000 topspeed}")
read -r -a rates <<<"${rates[*]}"
read -r -a receivers <<<"${RECEIVERS:-tcpdump probe-afpacket probe-xdp probe-xdp-busy probe-dpdk probe-dpdk-xdp testpmd-af_packet testpmd-af_xdp}"
buffer=${BUFFER_MIB:-64}
cap=$(sample big-transfer "$frames")
pcap="$out/big-transfer-$frames.pcap" # tcpreplay wants pcap; the frames are the same
[ -f "$pcap" ] || tcpdump -r "$cap" -w "$pcap" 2>/dev/null
ns="cstap$$" rx="cst$$r" tx="cst$$s"
work=$(mktemp -d)
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; veth_down "$ns" "$rx"; rm -rf "$work" "/var/run/dpdk/csbench$$"; }
trap cleanup EXIT
veth_up "$ns" "$rx" "$tx" 1500

# testpmd DEVICE_ARGS: rxonly on one forwarding lcore (CPU 1), the main lcore (stats) on CPU 0
testpmd() {
  dpdk-testpmd -l 0,1 --main-lcore 0 --no-huge -m 512 --no-pci --no-telemetry --file-prefix="csbench$$" --vdev="$1" -- \
    --forward-mode=rxonly --stats-period 1 --total-num-mbufs=8191 >"$err" 2>&1 </dev/null &
}

# veth_lost: frames the veth itself dropped so far, before any capture saw them: the sending end's
# tx_dropped (its peer's XDP ring or backlog was full) + the receiving end's rx_dropped
veth_lost() {
  echo $(( $(ip netns exec "$ns" cat "/sys/class/net/$tx/statistics/tx_dropped") + $(cat "/sys/class/net/$rx/statistics/rx_dropped") ))
}

# start RECEIVER: in the background; sets pid, err, ready
start() {
  err="$work/$1.err"
  local probe=("$here/cellscope" probe --status-interval 1h -B "$buffer")
  case $1 in
    tcpdump) taskset -c 1 tcpdump -i "$rx" -B $((buffer * 1024)) -w /dev/null 2>"$err" & ready="listening on" ;;
    probe-afpacket) taskset -c 1 "${probe[@]}" -i "$rx" --backend afpacket 2>"$err" & ready="capturing on" ;;
    probe-xdp) taskset -c 1 "${probe[@]}" -i "$rx" --backend xdp 2>"$err" & ready="capturing on" ;;
    probe-xdp-busy) taskset -c 1 "${probe[@]}" -i "$rx" --backend xdp --busy-poll 2>"$err" & ready="capturing on" ;;
    probe-dpdk) taskset -c 1 "${probe[@]}" -i "$rx" --backend dpdk 2>"$err" & ready="capturing on" ;;
    probe-dpdk-busy) taskset -c 1 "${probe[@]}" -i "$rx" --backend dpdk --busy-poll 2>"$err" & ready="capturing on" ;;
    probe-dpdk-xdp) taskset -c 1 "${probe[@]}" -i "af_xdp:$rx" --backend dpdk 2>"$err" & ready="capturing on" ;;
    # the ring the dpdk backend makes for a 1500 MTU and -B: 2 KiB frames, -B of them
    testpmd-af_packet) testpmd "net_af_packet0,iface=$rx,qpairs=1,blocksz=4096,framesz=2048,framecnt=$((buffer * 512))"; ready="Rx-pps" ;;
    testpmd-af_xdp) testpmd "net_af_xdp0,iface=$rx,start_queue=0,queue_count=1"; ready="Rx-pps" ;;
    *) echo "no receiver '$1'" >&2; exit 2 ;;
  esac
  pid=$!
  await "$err" "$ready"
}

# stop RECEIVER: SIGINT/SIGTERM; prints "RECEIVED DROPS" from what it says at its end
stop() {
  case $1 in
    tcpdump) kill -INT "$pid"; wait "$pid" || true
      awk '/packets captured/ { n = $1 } /dropped by kernel/ { d = $1 } END { print n, d }' "$err" ;;
    testpmd-*) kill -INT "$pid"; wait "$pid" || true
      # the last "RX-packets: N  RX-dropped: D  RX-total: T" (port 0's final forward statistics)
      awk '/RX-packets:/ { n = $2; d = $4 } END { print n, d }' "$err" ;;
    probe-*) kill -TERM "$pid"; wait "$pid" || true
      # "cellscope: stopped after T s: N frames, … drops D (kernel …)"
      sed -n 's/.*: \([0-9]*\) frames, .* drops \([0-9]*\) (.*/\1 \2/p' "$err" | tail -1 ;;
  esac
  pid=
}

if [ -n "${BENCH_LOCK:-}" ]; then
  exec 9>"$BENCH_LOCK"
  echo "waiting for $BENCH_LOCK..." >&2
  flock 9
fi
machine
echo "kernel $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg); $(basename "$pcap"): $frames frames,"\
  "$(du -h "$pcap" | cut -f1); buffers $buffer MiB; veth MTU 1500"
echo
echo "| rate (frames/s) | receiver | sent | achieved pps | received | drops | lost in the veth | CPU s | CPU s per M frames | load (1 min) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
summary="$work/summary"
for rate in "${rates[@]}"; do
  for r in "${receivers[@]}"; do
    start "$r"
    v0=$(veth_lost)
    c0=$(cpu_of "$pid")
    read -r sent pps < <(veth_send "$ns" "$tx" "$pcap" "$rate")
    sleep 2 # the receiver drains what it still has
    c1=$(cpu_of "$pid")
    stop "$r" >"$work/result" # not in a subshell: only this shell can wait for the receiver
    read -r got drops <"$work/result" || true
    awk -v rate="$rate" -v r="$r" -v s="$sent" -v p="$pps" -v g="${got:-0}" -v d="${drops:-?}" -v c="$(echo "$c1 - $c0" | bc)" \
      -v v="$(( $(veth_lost) - v0 ))" -v l="$(cut -d' ' -f1 /proc/loadavg)" -v sum="$summary" 'BEGIN {
      cpm = g ? c / (g / 1e6) : 0
      printf "| %s | %s | %d | %d | %d | %s | %d | %.2f | %.2f | %s |\n", rate, r, s, p, g, d, v, c, cpm, l
      if (g == s && d == "0") printf "%s %d %.2f %s\n", r, p, cpm, l >> sum
      else printf "%s 0 0 -\n", r >> sum }'
  done
done
echo
echo "Zero-drop maximum (the highest achieved rate of those tried at which every frame sent was received, none counted dropped):"
echo
echo "| receiver | zero-drop max (frames/s) | CPU s per M frames there | load (1 min) |"
echo "|---|---|---|---|"
for r in "${receivers[@]}"; do
  awk -v r="$r" '$1 == r && $2 >= best { best = $2; cpm = $3; l = $4 } END {
    if (best > 0) printf "| %s | %d | %.2f | %s |\n", r, best, cpm, l; else printf "| %s | none of the rates tried | - | - |\n", r }' "$summary"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
