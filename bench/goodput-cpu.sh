#!/usr/bin/env bash
# CPU seconds per side of one transfer over UDP loopback (issue 12 item 8): why goodput stops where it does on
# a 2-core machine. Times `serve` and `put` (SBI) or `tether-recv` and `tether-send` with /usr/bin/time and
# iperf3 moving the same bytes at -l 1400 (its own cpu_utilization figures, converted to seconds).
#   bench/goodput-cpu.sh [SIZE_MB] [PROTO]   defaults: 100 SBI (or Tether)
# Prints user+system CPU seconds per side, per MB, and the transfer's own seconds. JVM start-up is included
# in the JVM sides' CPU (one `--version` run is printed for reference, to subtract).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mb=${1:-100} proto=${2:-SBI}
cs="${CS:-$here/cellscope}"
d=$(mktemp -d "${STORE_DIR:-/dev/shm}/cs-cpu.XXXXXX"); trap 'rm -rf "$d"' EXIT
head -c $((mb * 1000000)) /dev/urandom >"$d/in.bin"
"$cs" --version >/dev/null
cpu() { tail -1 "$1" | awk '{printf "%.2f", $1 + $2}'; }   # time prints "Command exited…" first when killed
/usr/bin/time -o "$d/v.t" -f '%U %S' "$cs" --version >/dev/null
echo "load $(cut -d' ' -f1-3 /proc/loadavg); JVM start-up alone (--version): $(cpu "$d/v.t") CPU s"
port=$((36000 + RANDOM % 2000))
if [ "$proto" = SBI ]; then
  /usr/bin/time -o "$d/r.t" -f '%U %S' "$cs" endpoint serve --key "$d/a.key" --store "$d/sa" --listen 127.0.0.1:$port >"$d/r.out" 2>&1 &
  r=$!
  for _ in $(seq 200); do grep -q 'node ' "$d/r.out" 2>/dev/null && break; sleep 0.1; done
  id=$(grep -oE 'node [0-9a-f]{32}' "$d/r.out" | head -1 | cut -d' ' -f2)
  /usr/bin/time -o "$d/s.t" -f '%U %S' "$cs" endpoint put "$d/in.bin" --key "$d/b.key" --store "$d/sb" --to "$id@127.0.0.1:$port" --timeout 600 2>"$d/s.err" >/dev/null
  xfer=$(grep -oE 'sent in [0-9.]+ s' "$d/s.err" | grep -oE '[0-9.]+')
  kill -TERM $(pgrep -P $r) 2>/dev/null || kill $r; wait $r 2>/dev/null || true
else
  /usr/bin/time -o "$d/r.t" -f '%U %S' "$cs" endpoint tether-recv --key "$d/a.key" -o "$d/got.bin" --listen 127.0.0.1:$port --timeout 600 >"$d/r.out" 2>&1 &
  r=$!
  for _ in $(seq 200); do grep -q 'tether ac:' "$d/r.out" 2>/dev/null && break; sleep 0.1; done
  id=$(grep -oE 'tether (ac:1d:[0-9a-f:]{11})' "$d/r.out" | head -1 | cut -d' ' -f2)
  /usr/bin/time -o "$d/s.t" -f '%U %S' "$cs" endpoint tether-send "$d/in.bin" --lamp --key "$d/b.key" --to "$id@127.0.0.1:$port" --timeout 600 >"$d/s.out" 2>&1
  xfer=$(grep -oE 'data frames in [0-9.]+ s' "$d/s.out" | grep -oE '[0-9.]+ s' | cut -d' ' -f1)
  wait $r 2>/dev/null || true
fi
echo "$proto $mb MB: transfer $xfer s; sender $(cpu "$d/s.t") CPU s ($(awk -v c="$(cpu "$d/s.t")" -v m=$mb 'BEGIN{printf "%.1f", 1000*c/m}') ms/MB), receiver $(cpu "$d/r.t") CPU s ($(awk -v c="$(cpu "$d/r.t")" -v m=$mb 'BEGIN{printf "%.1f", 1000*c/m}') ms/MB)"
# iperf3 moving the same bytes (-n), its CPU from its own report (percent of the run's wall time, both sides).
port=$((5201 + RANDOM % 500))
iperf3 -s -1 -p $port >/dev/null 2>&1 & s=$!; sleep 0.5
json=$(iperf3 -c 127.0.0.1 -p $port -u -l 1400 -b 0 -n $((mb * 1000000)) -J 2>/dev/null || true); wait $s 2>/dev/null || true
python3 -c 'import json,sys
d=json.loads(sys.stdin.read())["end"]; mb=float(sys.argv[1])
secs=d["sum_sent"]["seconds"]; c=d["cpu_utilization_percent"]
snd=c["host_total"]*secs/100; rcv=c["remote_total"]*secs/100
print("iperf3 %d MB: %.2f s; sender %.2f CPU s (%.1f ms/MB), receiver %.2f CPU s (%.1f ms/MB), received %.0f%% of sent" % (mb, secs, snd, 1000*snd/mb, rcv, 1000*rcv/mb, 100*d["sum_received"]["bytes"]/d["sum_sent"]["bytes"]))' "$mb" <<<"$json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
