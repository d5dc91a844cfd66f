# Sourced by the benchmark scripts: the environment, and best-of-N timing.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/scripts/env.sh"
out="$here/bench/out"
mkdir -p "$out"

# best RUNS CMD...: the best wall time in seconds of RUNS runs, output discarded
best() {
  local runs=$1 best=999999 t
  shift
  for _ in $(seq "$runs"); do
    t=$( { TIMEFORMAT=%R; time "$@" >/dev/null 2>&1; } 2>&1 )
    best=$(echo "$t $best" | awk '{print ($1 < $2) ? $1 : $2}')
  done
  echo "$best"
}

# best2 RUNS CMD...: "WALL CPU": the best wall time and the best CPU time (user + sys, all threads) in seconds
# of RUNS runs, output discarded. CPU time shows the work done whatever else shares the cores.
best2() {
  local runs=$1 wall=999999 cpu=999999 r u s
  shift
  for _ in $(seq "$runs"); do
    read -r r u s < <( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 )
    wall=$(awk -v a="$r" -v b="$wall" 'BEGIN { print (a < b) ? a : b }')
    cpu=$(awk -v a="$u" -v c="$s" -v b="$cpu" 'BEGIN { print (a + c < b) ? a + c : b }')
  done
  echo "$wall $cpu"
}

# sample NAME FRAMES: path of a generated sample capture (made once)
sample() {
  local cap="$out/$1-$2.pcapng"
  [ -f "$cap" ] || "$here/cellscope" samples generate "$1" --size "$2" -o "$cap" >&2
  "$here/cellscope" --version >/dev/null # build outside the timing
  echo "$cap"
}

machine() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
}

# figure WHAT CELLSCOPE_S PEER PEER_S: one row of bench/run's table (bench/RESULTS.md), printed as a
# tagged line that the driver collects; the script's own lines stay as they were.
figure() {
  printf '@figure|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4"
}

# peak_anon CMD...: runs CMD (output discarded) and samples /proc/PID/status every 50 ms; prints
# "WALL_S PEAK_RSSANON_KIB PEAK_VMRSS_KIB". RssAnon is the heap and other private memory, without the pages
# of a memory-mapped capture (which VmRSS and /usr/bin/time's %M count too). The launcher execs java, so
# PID is the JVM's. A 50 ms sample can miss a shorter peak; the heap grows in steps far longer than that.
peak_anon() {
  local pid anon=0 rss=0 a r t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    read -r a r < <(awk '/^RssAnon:/ { a = $2 } /^VmRSS:/ { r = $2 } END { print a + 0, r + 0 }' "/proc/$pid/status" 2>/dev/null || echo "0 0")
    [ "$a" -gt "$anon" ] && anon=$a
    [ "$r" -gt "$rss" ] && rss=$r
    sleep 0.05
  done
  wait "$pid" || echo "peak_anon: $* failed" >&2
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" -v an="$anon" -v r="$rss" 'BEGIN { printf "%.2f %d %d\n", b - a, an, r }'
}

# ---- veth traffic for the capture benchmarks (live-capture.sh, xdp.sh, dpdk.sh) ----

# veth_up NS RX TX MTU [QUEUES]: a veth pair whose end TX sits in a new network namespace NS (the
# sender's) and RX here (the receivers'), QUEUES receive and transmit queues each (default 1), IPv6 off
# on both (no frames of the kernel's own), MTU, both up. veth_down NS RX removes them (also half made).
veth_up() {
  local ns=$1 rx=$2 tx=$3 mtu=$4 q=${5:-1}
  ip netns add "$ns"
  ip link add "$rx" numrxqueues "$q" numtxqueues "$q" type veth peer name "$tx" numrxqueues "$q" numtxqueues "$q" netns "$ns"
  echo 1 >"/proc/sys/net/ipv6/conf/$rx/disable_ipv6"
  ip netns exec "$ns" sh -c "echo 1 > /proc/sys/net/ipv6/conf/$tx/disable_ipv6"
  ip link set "$rx" mtu "$mtu" up
  ip -n "$ns" link set "$tx" mtu "$mtu" up
}

veth_down() {
  ip link del "$2" 2>/dev/null || true
  ip netns del "$1" 2>/dev/null || true
}

# veth_send NS TX PCAP RATE: tcpreplay PCAP out of TX on CPU 0 at RATE frames/s (or "topspeed");
# prints "SENT ACHIEVED_PPS"
veth_send() {
  local opt=--topspeed
  [ "$4" != topspeed ] && opt="--pps=$4"
  ip netns exec "$1" taskset -c 0 tcpreplay -K -q "$opt" -i "$2" "$3" 2>&1 |
    awk '/Actual:/ { n = $2 } /Rated:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^pps/) r = $i } END { printf "%d %.0f\n", n, r }'
}

# cpu_of PID: the process's CPU seconds so far, all threads (utime + stime)
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }

# await FILE TEXT: waits up to 60 s for TEXT in FILE (a receiver's "ready" line); fails showing FILE
await() { for _ in $(seq 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no '$2' in $1:"; cat "$1"; exit 1; }
