#!/usr/bin/env bash
# Replay timing (issue 15's benchmark): `cellscope replay` against `tcpreplay` on the same file in the
# same run, out of a veth end in a network namespace of its own, received by tcpdump on the other end
# with nanosecond timestamps. For each pacing it prints, per sender: frames sent, frames received,
# the achieved rate ((N-1) gaps over the time from the first frame received to the last) against the
# requested one, and the inter-frame error |received gap - scheduled gap| at p50, p99 and max.
#
# Pacings: --pps 1000, 10000 and 100000 (the sample looped to about 5000, 20000 and 100000 frames) and
# -x 2 (the sample's own gaps halved, looped 10 times). Gaps across a loop's wrap are left out of the
# statistics (the two tools start a new pass differently); the rest compare frame for frame.
# Both senders preload the frames (-K) and send from CPU 0: tcpreplay (one thread) pinned there with taskset;
# cellscope's sending thread alone there (--cpu 0), its JVM's other threads (compiler, GC, service) on CPU 1,
# where tcpdump receives (the far end's timestamps are taken on CPU 0, in the sender's softirq).
#
# Usage: [PACINGS="pps-1k x2"] [WITH_SHARED=1] [WITH_ORDINARY=1] [WITH_XDP=1] bench/replay-timing.sh [SAMPLE (samples/captures/mixed-wire.pcapng)]
# WITH_SHARED=1 adds a cs-shared row: the whole JVM pinned to CPU 0 with taskset, no --cpu (the setup before session 25).
# PACINGS picks rows (default all four); WITH_ORDINARY=1 adds a cellscope row with --no-realtime (an ordinary
# sending thread, as before real-time scheduling) between the default one and tcpreplay; WITH_XDP=1 adds a
# cs-xdp row (--transmit xdp: the AF_XDP TX ring; copy mode on veth) after them.
# Needs root (namespaces, veth, AF_PACKET). Not a CI test. Cleans up what it makes.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cellscope_need_packages tcpreplay:tcpreplay tcpdump:tcpdump ip:iproute2 taskset:util-linux
sample=${1:-$here/samples/captures/mixed-wire.pcapng}
PACINGS=${PACINGS:-pps-1k pps-10k pps-100k x2}
"$here/cellscope" --version >/dev/null # build outside the timing
ns="csrpl$$" rx="csr$$r" tx="csr$$s"
work=$(mktemp -d)
cleanup() { veth_down "$ns" "$rx"; rm -rf "$work"; }
trap cleanup EXIT
veth_up "$ns" "$rx" "$tx" 9000 # bench/lib.sh
pcap="$work/sample.pcap" # the one file both senders replay (tcpreplay wants pcap)
tcpdump -r "$sample" -w "$pcap" 2>/dev/null
per_pass=$(tcpdump -r "$pcap" -tt -n 2>/dev/null | grep -c '^[0-9]') # (unknown EtherTypes add hex lines)
# the sample's timestamps, ns after its first frame, for the -x schedule
tcpdump -r "$pcap" --nano -tt -n 2>/dev/null | awk '/^[0-9]/ { split($1, t, "."); if (NR == 1) s0 = t[1]; printf "%.0f\n", (t[1] - s0) * 1e9 + t[2] }' >"$work/captured.ns"

await() { for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no '$2' in $1:"; cat "$1"; exit 1; }

# receive NAME: tcpdump on the far end with nanosecond timestamps, until stop_receiving
receive() {
  taskset -c 1 tcpdump -i "$rx" -B 131072 -s 128 --time-stamp-precision=nano -w "$work/$1.pcap" 2>"$work/$1.err" &
  rpid=$!
  await "$work/$1.err" "listening on"
}
stop_receiving() { sleep 1.5; kill -INT "$rpid"; wait "$rpid" || true; }

# analyse NAME MODE ARG LOOPS: "received achieved/s requested/s p50 p99 max" of the received frames
analyse() {
  tcpdump -r "$work/$1.pcap" --nano -tt -n 2>/dev/null | awk '/^[0-9]/ { print $1 }' >"$work/$1.ts"
  awk -v mode="$2" -v arg="$3" -v per="$per_pass" -v loops="$4" -v errs="$work/$1.err.ns" '
    FNR == NR { cap[FNR - 1] = $1; next }                 # the captured offsets (ns)
    { split($1, t, "."); if (n == 0) s0 = t[1]; at[n++] = (t[1] - s0) * 1e9 + t[2] }
    END {
      for (i = 1; i < n; i++) {
        if (i % per == 0) continue                        # a loop wrap: left out
        want = mode == "pps" ? 1e9 / arg : (cap[i % per] - cap[i % per - 1]) / arg
        e = at[i] - at[i - 1] - want; if (e < 0) e = -e
        printf "%d\n", e >errs
      }
      rate = (n - 1) * 1e9 / (at[n - 1] - at[0])
      if (mode == "pps") req = arg; else req = (per * loops - 1) * 1e9 / ((cap[per - 1] / arg) * loops)
      printf "%d %.0f %.0f", n, rate, req
    }' "$work/captured.ns" "$work/$1.ts"
  sort -n "$work/$1.err.ns" | awk '{ e[NR] = $1 } END { p50 = int(0.5 * NR + 0.5); p99 = int(0.99 * NR + 0.5); if (p50 < 1) p50 = 1; if (p99 < 1) p99 = 1
    printf " %.1f %.1f %.1f\n", e[p50] / 1e3, e[p99] / 1e3, e[NR] / 1e3 }'
}

# ipis: CPU 0's function-call (CAL) and TLB-shootdown (TLB) interrupt counts from /proc/interrupts, "CAL TLB".
# A row prints their increase over the whole run (start-up included): IPIs another CPU sent the sender's CPU.
ipis() { awk '$1 == "CAL:" { c = $2 } $1 == "TLB:" { t = $2 } END { print c, t }' /proc/interrupts; }
ipi_delta() { local a=($1) b=($(ipis)); echo "ipi CAL $(( b[0] - a[0] )) TLB $(( b[1] - a[1] ))"; }

# cellscope: SENDER-LABEL LABEL MODE ARG LOOPS [extra replay options] SENDER-OPTIONS...
# The JVM on CPU 1 and its sending thread alone on CPU 0 (--cpu 0); cs-shared: the whole JVM on CPU 0.
cellscope_row() {
  local who=$1 label=$2 mode=$3 arg=$4 loops=$5 pin=(taskset -c 1) cpu=(--cpu 0)
  shift 5
  [ "$who" = cs-shared ] && pin=(taskset -c 0) cpu=()
  receive "$who-$label"
  local i0; i0=$(ipis)
  ip netns exec "$ns" "${pin[@]}" "$here/cellscope" replay -K -l "$loops" "${cpu[@]}" "$@" -i "$tx" -r "$pcap" >"$work/cs.out" 2>&1
  local ipi; ipi=$(ipi_delta "$i0")
  stop_receiving
  local csent; csent=$(awk '/^Actual:/ { print $2 }' "$work/cs.out")
  local own; own=$(awk '/^Timing:/ { print $5, $6, $8, $9, $11, $12 }' "$work/cs.out")
  printf "%-9s %-10s %7s %s    (its own report: %s; %s)\n" "$label" "$who" "$csent" "$(analyse "$who-$label" "$mode" "$arg" "$loops")" "$own" "$ipi"
}

run() { # label loops sender-options...
  local label=$1 loops=$2 mode arg
  shift 2
  case "$1" in --pps) mode=pps arg=$2 ;; -x) mode=x arg=$2 ;; esac
  case " $PACINGS " in *" $label "*) ;; *) return 0 ;; esac
  cellscope_row cellscope "$label" "$mode" "$arg" "$loops" "$@"
  [ -n "${WITH_SHARED:-}" ] && cellscope_row cs-shared "$label" "$mode" "$arg" "$loops" "$@"
  [ -n "${WITH_ORDINARY:-}" ] && cellscope_row cs-ordinary "$label" "$mode" "$arg" "$loops" --no-realtime "$@"
  [ -n "${WITH_XDP:-}" ] && cellscope_row cs-xdp "$label" "$mode" "$arg" "$loops" --transmit xdp "$@"
  receive "tcpreplay-$label"
  local i0; i0=$(ipis)
  local topt=("--pps=$2"); [ "$mode" = x ] && topt=("--multiplier=$2")
  ip netns exec "$ns" taskset -c 0 tcpreplay -K --loop="$loops" "${topt[@]}" -i "$tx" "$pcap" >"$work/tr.out" 2>&1
  local ipi; ipi=$(ipi_delta "$i0")
  stop_receiving
  local tsent; tsent=$(awk '/Actual:/ { print $2 }' "$work/tr.out")
  printf "%-9s %-10s %7s %s    (%s)\n" "$label" tcpreplay "$tsent" "$(analyse "tcpreplay-$label" "$mode" "$arg" "$loops")" "$ipi"
}

machine
echo "sample: $(basename "$sample"), $per_pass frames a pass; $(tcpreplay --version 2>&1 | head -1); $(uname -r)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pacing    sender        sent received achieved/s requested/s p50_us p99_us max_us"
run pps-1k $(( (5000 + per_pass - 1) / per_pass )) --pps 1000
run pps-10k $(( (20000 + per_pass - 1) / per_pass )) --pps 10000
run pps-100k $(( (100000 + per_pass - 1) / per_pass )) --pps 100000
run x2 10 -x 2
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
