#!/usr/bin/env bash
# Goodput over UDP loopback (issue 12 item 8): the raw UDP ceiling (iperf3 -u -l 1400 -b 0), then
# `cellscope endpoint put` to `serve` (UTCP-SBI) and `tether-send` to `tether-recv` (Tether) of each
# size, without faults and with 5% loss injected on every send of both sides (the endpoint's own
# --loss: tc netem is not available here). Best of RUNS for each cell; prints one table.
#
#   bench/goodput.sh [RUNS] [SIZES]        defaults: 3 "1M 100M 1G"
#   PROTOS="SBI" LOSSES="0" bench/goodput.sh   only these rows (defaults "SBI SBI-get Tether" and "0 0.05";
#                                          SBI is a put to serve, SBI-get a get from serve of what a put left there)
#   CS=PATH bench/goodput.sh                time another build's launcher (default ./cellscope)
#   CEILING="SENT RECEIVED" bench/goodput.sh   skip iperf3 and use these Mbit/s (paired runs measure it once)
#   TETHER_RECV_OPTS="--window 4194304" bench/goodput.sh   extra options for tether-recv (a window to try, say)
#   STORE_DIR=DIR bench/goodput.sh         where stores, inputs and outputs go (default /dev/shm: tmpfs,
#                                          so the store's per-block fsync does not stand in for the network)
#
# Seconds are the transfer's own, from the command's summary line (put: connect to the last block's
# ACK, after chunking; tether-send: Lamp to the receiver's confirmation), so JVM start-up is left out;
# the wall time of the whole command is shown too. Goodput = file bytes / transfer seconds.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cellscope_need_packages iperf3:iperf3

runs=${1:-3}
sizes=${2:-"1M 100M 1G"}
cs="${CS:-$here/cellscope}"   # CS=other/cellscope: time another build (paired runs, bench/goodput-pair.sh)
work=$(mktemp -d "${STORE_DIR:-/dev/shm}/cs-goodput.XXXXXX")
children=()
cleanup() {
  for p in "${children[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
"$cs" --version >/dev/null   # build outside the timing

bytes_of() {   # 1M -> 1000000 (decimal units, as Mbit/s are)
  local n=${1%[KMG]} u=${1: -1}
  case $u in K) echo $((n * 1000)) ;; M) echo $((n * 1000000)) ;; G) echo $((n * 1000000000)) ;; *) echo "$1" ;; esac
}

# The ceiling: what iperf3 gets through loopback in 1400-byte datagrams, unthrottled (received, not offered).
ceiling_run() {
  local port=$((5201 + RANDOM % 500)) json
  iperf3 -s -1 -p "$port" >/dev/null 2>&1 &
  local srv=$!
  sleep 0.5
  json=$(iperf3 -c 127.0.0.1 -p "$port" -u -l 1400 -b 0 -t 5 -J 2>/dev/null || true)
  wait "$srv" 2>/dev/null || true
  # "sent received" in Mbit/s: iperf3's headline is the sender's rate (the issue's ~2.3 Gbit/s); at -b 0 much of
  # it is dropped at the receiver's socket, so what arrives is shown too.
  python3 -c 'import json,sys
d=json.loads(sys.stdin.read())["end"]
print(round(d["sum_sent"]["bits_per_second"]/1e6), round(d["sum_received"]["bits_per_second"]/1e6))' <<<"$json"
}

await_line() {   # await_line FILE REGEX: prints the first capture group once FILE has a match (20 s)
  for _ in $(seq 200); do
    if grep -qE "$2" "$1" 2>/dev/null; then grep -oE "$2" "$1" | head -1 | sed -E "s/$2/\\1/"; return 0; fi
    sleep 0.1
  done
  echo "no /$2/ in $1:" >&2; cat "$1" >&2; return 1
}

# One put of FILE to a fresh serve; LOSS 0 or 0.05. Prints "transfer_seconds wall_seconds".
put_run() {
  local file=$1 loss=$2 d port faults=()
  d=$(mktemp -d "$work/put.XXXX"); port=$((36000 + RANDOM % 2000))
  [ "$loss" != 0 ] && faults=(--loss "$loss" --seed $RANDOM)
  "$cs" endpoint serve --key "$d/a.key" --store "$d/store-a" --listen 127.0.0.1:$port "${faults[@]}" >"$d/serve.out" 2>&1 &
  local serve=$!; children+=("$serve")
  local id; id=$(await_line "$d/serve.out" 'node ([0-9a-f]{32})')
  local t0 t1
  t0=$(date +%s.%N)
  "$cs" endpoint put "$file" --key "$d/b.key" --store "$d/store-b" --to "$id@127.0.0.1:$port" --timeout 900 "${faults[@]}" \
    >"$d/put.out" 2>"$d/put.err" || { echo "put failed:" >&2; tail -5 "$d/put.err" >&2; kill "$serve"; return 1; }
  t1=$(date +%s.%N)
  kill "$serve"; wait "$serve" 2>/dev/null || true
  local xfer; xfer=$(grep -oE 'blocks sent in [0-9.]+ s' "$d/put.err" | grep -oE '[0-9.]+ s' | cut -d' ' -f1)
  echo "$xfer $(echo "$t1 - $t0" | bc)"
  rm -rf "$d"
}

# One get of FILE from a fresh serve that was given it by an (untimed) put; LOSS as put_run's.
# Prints "transfer_seconds wall_seconds" of the get.
get_run() {
  local file=$1 loss=$2 d port faults=()
  d=$(mktemp -d "$work/get.XXXX"); port=$((36000 + RANDOM % 2000))
  [ "$loss" != 0 ] && faults=(--loss "$loss" --seed $RANDOM)
  "$cs" endpoint serve --key "$d/a.key" --store "$d/store-a" --listen 127.0.0.1:$port "${faults[@]}" >"$d/serve.out" 2>&1 &
  local serve=$!; children+=("$serve")
  local id root; id=$(await_line "$d/serve.out" 'node ([0-9a-f]{32})')
  root=$("$cs" endpoint put "$file" --key "$d/b.key" --store "$d/store-b" --to "$id@127.0.0.1:$port" --timeout 900 2>"$d/put.err") \
    || { echo "put failed:" >&2; tail -5 "$d/put.err" >&2; kill "$serve"; return 1; }
  local t0 t1
  t0=$(date +%s.%N)
  "$cs" endpoint get "$root" --from "$id@127.0.0.1:$port" -o "$d/got.bin" --key "$d/c.key" --store "$d/store-c" --timeout 900 "${faults[@]}" \
    >"$d/get.out" 2>"$d/get.err" || { echo "get failed:" >&2; tail -5 "$d/get.err" >&2; kill "$serve"; return 1; }
  t1=$(date +%s.%N)
  kill "$serve"; wait "$serve" 2>/dev/null || true
  cmp -s "$file" "$d/got.bin" || { echo "get: the file differs" >&2; return 1; }
  local xfer; xfer=$(grep -oE 'bytes in [0-9.]+ s' "$d/get.err" | grep -oE '[0-9.]+ s' | cut -d' ' -f1)
  echo "$xfer $(echo "$t1 - $t0" | bc)"
  rm -rf "$d"
}

# One tether-send of FILE to a fresh tether-recv. Prints "transfer_seconds wall_seconds".
tether_run() {
  local file=$1 loss=$2 d port faults=()
  d=$(mktemp -d "$work/tether.XXXX"); port=$((38000 + RANDOM % 2000))
  [ "$loss" != 0 ] && faults=(--loss "$loss" --seed $RANDOM)
  # shellcheck disable=SC2086 # TETHER_RECV_OPTS is a list of options
  "$cs" endpoint tether-recv --key "$d/a.key" -o "$d/got.bin" --listen 127.0.0.1:$port --timeout 900 "${faults[@]}" ${TETHER_RECV_OPTS:-} >"$d/recv.out" 2>&1 &
  local recv=$!; children+=("$recv")
  local id; id=$(await_line "$d/recv.out" 'tether (ac:1d:[0-9a-f:]{11})')
  local t0 t1
  t0=$(date +%s.%N)
  "$cs" endpoint tether-send "$file" --lamp --key "$d/b.key" --to "$id@127.0.0.1:$port" --timeout 900 "${faults[@]}" \
    >"$d/send.out" 2>"$d/send.err" || { echo "tether-send failed:" >&2; tail -3 "$d/send.out" "$d/send.err" >&2; kill "$recv"; return 1; }
  t1=$(date +%s.%N)
  wait "$recv" 2>/dev/null || true
  cmp -s "$file" "$d/got.bin" || { echo "tether: received file differs" >&2; return 1; }
  local xfer; xfer=$(grep -oE 'data frames in [0-9.]+ s' "$d/send.out" | grep -oE '[0-9.]+ s' | cut -d' ' -f1)
  echo "$xfer $(echo "$t1 - $t0" | bc)"
  rm -rf "$d"
}

machine
echo "runs: best of $runs; stores and files in ${STORE_DIR:-/dev/shm}; load before start: $(cut -d' ' -f1-3 /proc/loadavg)"
ceiling=0 received=0
[ -n "${CEILING:-}" ] && read -r ceiling received <<<"$CEILING"
[ -z "${CEILING:-}" ] && for _ in $(seq "$runs"); do
  read -r c r <<<"$(ceiling_run)"
  [ "$c" -gt "$ceiling" ] && ceiling=$c
  [ "$r" -gt "$received" ] && received=$r
done
echo "UDP ceiling (iperf3 -u -l 1400 -b 0): sent $ceiling Mbit/s (the % column's base), received $received Mbit/s"
echo
printf '| %-7s | %5s | %4s | %9s | %9s | %12s | %10s |\n' protocol size loss "xfer s" "wall s" "goodput Mb/s" "% ceiling"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' -------- ------- ------ ----------- ----------- -------------- ------------
for size in $sizes; do
  n=$(bytes_of "$size")
  f="$work/in-$size.bin"
  head -c "$n" /dev/urandom >"$f"
  for proto in ${PROTOS:-SBI SBI-get Tether}; do
    for loss in ${LOSSES:-0 0.05}; do
      best_x=999999 best_w=999999
      for _ in $(seq "$runs"); do
        case $proto in
          SBI) r=$(put_run "$f" $loss) || continue ;;
          SBI-get) r=$(get_run "$f" $loss) || continue ;;
          *) r=$(tether_run "$f" $loss) || continue ;;
        esac
        read -r x w <<<"$r"
        best_x=$(echo "$x $best_x" | awk '{print ($1 < $2) ? $1 : $2}')
        best_w=$(echo "$w $best_w" | awk '{print ($1 < $2) ? $1 : $2}')
      done
      if [ "$best_x" = 999999 ]; then
        printf '| %-7s | %5s | %3s%% | %9s | %9s | %12s | %10s |\n' $proto "$size" "$(echo "$loss*100/1" | bc)" failed - - -
        continue
      fi
      mbit=$(echo "$n $best_x" | awk '{printf "%.0f", $1 * 8 / $2 / 1e6}')
      pct=$(echo "$mbit $ceiling" | awk '{printf "%.1f", 100 * $1 / $2}')
      printf '| %-7s | %5s | %3s%% | %9.2f | %9.2f | %12s | %9s%% |\n' $proto "$size" "$(echo "$loss*100/1" | bc)" "$best_x" "$best_w" "$mbit" "$pct"
    done
  done
  rm -f "$f"
done
echo
echo "goals (issue 12): >= 50% of the ceiling without faults, >= 35% with 5% loss"
