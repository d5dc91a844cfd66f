#!/usr/bin/env bash
# AF_PACKET TPACKET_V3 ring (TpacketV3Ring) vs `tcpdump -w /dev/null` on the same traffic:
# tcpreplay sends FRAMES frames of LENGTH bytes (0x88B5, preloaded, looped LOOPS times) from a
# veth end in a network namespace of its own; the receiver runs on the other end in this
# namespace. Prints, per receiver and rate: frames sent / received, ring drops (kernel),
# veth backlog drops (/proc/net/softnet_stat), CPU seconds and CPU seconds per million frames.
# Usage: native-tap/bench/afpacket.sh [FRAMES (100000)] [LENGTH (60)] [LOOPS (10)] [PPS... (topspeed)]
# Needs root (namespaces, veth, AF_PACKET). Not a CI test. Cleans up what it makes.
set -euo pipefail
module="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$module/.." && pwd)"
. "$root/scripts/env.sh"
cellscope_need_packages tcpreplay:tcpreplay tcpdump:tcpdump ip:iproute2 taskset:util-linux
frames=${1:-100000}
length=${2:-60}
loops=${3:-10}
shift $(( $# < 3 ? $# : 3 ))
rates=("${@:-topspeed}")
out="$module/target/bench"
mkdir -p "$out"
ns="csbench$$" rx="csb$$r" tx="csb$$s"
cleanup() { ip link del "$rx" 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT

(cd "$root" && mvn -B -q -pl native-tap -am test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test >/dev/null)
cp="$module/target/test-classes:$module/target/classes:$(cat "$out/classpath.txt")"
# receivers on CPU 1 and the sender (with the kernel's delivery into the ring, which runs in its
# softirq) on CPU 0, so neither receiver reads frames from its own CPU's cache
jrun() { taskset -c 1 java -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED -cp "$cp" dev.cellscope.nativetap.packet.AfPacketBench "$@"; }

pcap="$out/cell-$frames-$length.pcap"
[ -f "$pcap" ] || jrun write "$pcap" "$frames" "$length"

ip netns add "$ns"
ip link add "$rx" type veth peer name "$tx" netns "$ns"
echo 1 >"/proc/sys/net/ipv6/conf/$rx/disable_ipv6"
ip netns exec "$ns" sh -c "echo 1 > /proc/sys/net/ipv6/conf/$tx/disable_ipv6"
ip link set "$rx" up
ip netns exec "$ns" ip link set "$tx" up

softnet_drops() { local s=0 a b rest; while read -r a b rest; do s=$((s + 0x$b)); done </proc/net/softnet_stat; echo "$s"; }
send() { # rate -> "sent pps"
  local opt=--topspeed
  [ "$1" != topspeed ] && opt="--pps=$1"
  ip netns exec "$ns" taskset -c 0 tcpreplay -K -q "$opt" --loop="$loops" -i "$tx" "$pcap" 2>&1 |
    awk '/Actual:/ { n = $2 } /Rated:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^pps/) r = $i } END { printf "%d %.0f\n", n, r }'
}
# time on a CPU in seconds, exact (sum_exec_runtime; /proc/PID/stat's utime+stime are 4 ms tick samples here)
cpu_of() { awk '{ printf "%.4f", $1 / 1e9 }' "/proc/$1/schedstat"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), kernel $(uname -r)," \
  "load $(cut -d' ' -f1-3 /proc/loadavg); $frames frames x $loops loops of $length bytes"
for rate in "${rates[@]}"; do
  # the ring (64 blocks of 1 MiB)
  d0=$(softnet_drops)
  jrun receive "$rx" 1000 >"$out/ring.out" 2>&1 &
  java=$!
  for _ in $(seq 100); do grep -q "^ready" "$out/ring.out" && break; sleep 0.1; done
  grep -q "^ready" "$out/ring.out" || { echo "the ring receiver did not start:"; cat "$out/ring.out"; exit 1; }
  read -r sent pps < <(send "$rate")
  wait "$java" || true
  echo "rate $rate: sent $sent at $pps pps, veth backlog drops $(( $(softnet_drops) - d0 )) | $(grep '^ring:' "$out/ring.out")"

  # tcpdump -w /dev/null, 64 MiB buffer (-B 65536), same traffic
  d0=$(softnet_drops)
  taskset -c 1 tcpdump -i "$rx" -B 65536 -w /dev/null 2>"$out/tcpdump.err" &
  td=$!
  for _ in $(seq 50); do grep -q "listening on" "$out/tcpdump.err" && break; sleep 0.1; done
  c0=$(cpu_of "$td")
  read -r sent pps < <(send "$rate")
  sleep 1
  c1=$(cpu_of "$td")
  kill -INT "$td"
  wait "$td" || true
  got=$(awk '/packets captured/ { print $1 }' "$out/tcpdump.err")
  dropped=$(awk '/dropped by kernel/ { print $1 }' "$out/tcpdump.err")
  awk -v r="$rate" -v s="$sent" -v p="$pps" -v b=$(( $(softnet_drops) - d0 )) -v g="$got" -v d="$dropped" -v c0="$c0" -v c1="$c1" 'BEGIN {
    printf "rate %s: sent %d at %d pps, veth backlog drops %d | tcpdump: frames %d drops %d | cpu %.3f s | %.3f cpu-s per M frames\n",
      r, s, p, b, g, d, c1 - c0, g ? (c1 - c0) / (g / 1e6) : 0 }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
