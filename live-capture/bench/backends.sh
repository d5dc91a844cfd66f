#!/usr/bin/env bash
# `cellscope read -i IF -q` through each live backend against `tcpdump -w /dev/null`, on the same
# traffic: tcpreplay --topspeed sends SAMPLE (a committed capture) LOOPS times from a veth end in
# a network namespace of its own; each receiver captures on the other end in this namespace.
# Prints per receiver: frames sent and the sender's rate, frames captured, drops (kernel,
# interface, cellscope), and CPU seconds of the receiving process: total (JVM start included)
# and from "Capturing on" to the end (utime + stime of the process), per million frames.
# Usage: live-capture/bench/backends.sh [LOOPS (10000)] [SAMPLE (samples/captures/quickstart.pcapng)] [RUNS (1)]
# Needs root (namespaces, veth, capture). Not a CI test. Cleans up what it makes.
set -euo pipefail
module="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$module/.." && pwd)"
. "$root/scripts/env.sh"
cellscope_need_packages tcpreplay:tcpreplay tcpdump:tcpdump ip:iproute2
loops=${1:-10000}
sample=${2:-$root/samples/captures/quickstart.pcapng}
runs=${3:-1}
out="$module/target/bench"
mkdir -p "$out"
ns="csrb$$" rx="csr$$r" tx="csr$$s"
cleanup() { ip link del "$rx" 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT

"$root/cellscope" read -D >/dev/null # builds the jar when sources changed

ip netns add "$ns"
ip link add "$rx" type veth peer name "$tx" netns "$ns"
echo 1 >"/proc/sys/net/ipv6/conf/$rx/disable_ipv6"
ip netns exec "$ns" sh -c "echo 1 > /proc/sys/net/ipv6/conf/$tx/disable_ipv6"
ip link set "$rx" mtu 9000 up
ip netns exec "$ns" ip link set "$tx" mtu 9000 up

per_loop=$(tcpdump -r "$sample" -w /dev/null 2>&1 | awk '/packets/ { print $1; exit }' || true)
[ -n "$per_loop" ] || per_loop=$(capinfos -c -M "$sample" | awk '/Number of packets/ { print $NF }')
send() { # -> "sent pps"
  ip netns exec "$ns" tcpreplay -K -q --topspeed --loop="$loops" -i "$tx" "$sample" 2>&1 |
    awk '/Actual:/ { n = $2 } /Rated:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^pps/) r = $i } END { printf "%d %.0f\n", n, r }'
}
# CPU of the whole process, all threads (utime + stime of /proc/PID/stat, in clock ticks; /proc/PID/schedstat would be the main thread only)
tck=$(getconf CLK_TCK)
cpu_of() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk -v t="$tck" '{ printf "%.3f", ($12 + $13) / t }' || echo 0; }
wait_for() { for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no '$2' in $1:"; cat "$1"; return 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), kernel $(uname -r)," \
  "load $(cut -d' ' -f1-3 /proc/loadavg); $(basename "$sample") x $loops = $((per_loop * loops)) frames at --topspeed"
printf '%-44s %9s %9s %9s %26s %9s %9s %11s\n' receiver sent pps captured "drops kernel/if/cellscope" "cpu s" "cpu s*" "s*/M frames"

# receiver NAME CMD... : runs it, sends, ends it with SIGINT a second after the sender finished
receiver() {
  local name=$1; shift
  local err="$out/$name.err"
  "$@" >/dev/null 2>"$err" &
  local pid=$!
  if [ "${name#tcpdump}" != "$name" ]; then wait_for "$err" "listening on"; else wait_for "$err" "Capturing on"; fi
  local c0; c0=$(cpu_of "$pid")
  read -r sent pps < <(send)
  sleep 1
  local c1; c1=$(cpu_of "$pid")
  kill -TERM "$pid" # (not INT: a background job of a script starts with SIGINT ignored, and the JVM then keeps it so)
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { echo "$name did not end within 30 s of SIGTERM" >>"$err"; kill -9 "$pid"; }
  wait "$pid" || true
  local got drops
  if [ "${name#tcpdump}" != "$name" ]; then
    got=$(awk '/packets captured/ { print $1 }' "$err")
    drops="$(awk '/dropped by kernel/ { print $1 }' "$err")/$(awk '/dropped by interface/ { print $1 }' "$err")/-"
  else
    got=$(awk '/packets captured/ { print $1 }' "$err")
    drops=$(sed -n 's/.*packets dropped from [^ ]* (kernel buffer \([0-9]*\), interface \([-0-9a-z]*\), cellscope \([0-9]*\)).*/\1\/\2\/\3/p' "$err")
    [ -n "$drops" ] || drops="0/0/0"
  fi
  awk -v n="$name" -v s="$sent" -v p="$pps" -v g="${got:-0}" -v d="$drops" -v c0="$c0" -v c1="$c1" 'BEGIN {
    printf "%-44s %9d %9d %9d %26s %9.2f %9.2f %11.2f\n", n, s, p, g, d, c1, c1 - c0, (g > 0 ? (c1 - c0) / g * 1e6 : 0) }'
}

for run in $(seq "$runs"); do
  receiver "tcpdump-w-devnull-B2" tcpdump -i "$rx" -B 2048 -w /dev/null
  for backend in pcap afpacket; do
    receiver "read-i-q-$backend-B2" "$root/cellscope" read -i "$rx" --backend "$backend" -q
    receiver "read-i-q-$backend-B64" "$root/cellscope" read -i "$rx" --backend "$backend" -q -B 64
    receiver "read-i-q-z-expert-$backend-B64" "$root/cellscope" read -i "$rx" --backend "$backend" -q -B 64 -z expert
  done
done
