#!/usr/bin/env bash
# Times `cellscope read -T fields` on generated captures against tshark and libpcap (tcpdump)
# on the same file: bulk (uniform 1 KiB BLOCK_PUTs, Tether slots, NACKs) and big-transfer
# (endpoint-stack UTCP-SBI puts of 64 KiB zstd blocks: the SBI-heavy traffic of issue 17).
# Usage: bench/read-fields.sh [FRAMES] [RUNS]; SAMPLES (default "bulk big-transfer"). Not a CI test.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cellscope_need_packages tshark:tshark tcpdump:tcpdump
frames=${1:-1000000}
runs=${2:-3}
machine
for kind in ${SAMPLES:-bulk big-transfer}; do
  cap=$(sample "$kind" "$frames")
  n=$(capinfos -c -M "$cap" 2>/dev/null | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }' || true)
  n=${n:-$frames}
  rate() { awk -v n="$n" -v t="$1" 'BEGIN { printf "%.0f", n / t }'; }
  cat "$cap" >/dev/null # page cache
  echo "capture: $cap ($n frames, $(stat -c %s "$cap") bytes)"
  # interleaved: one run of each in turn, so that load from other work falls on all three alike
  cw=999999 cc=999999 tw=999999 tc=999999 pw=999999 pc=999999
  for _ in $(seq "$runs"); do
    read -r w c < <(best2 1 "$here/cellscope" read -r "$cap" -T fields -e frame.number -e utcp.seq)
    cw=$(awk -v a="$w" -v b="$cw" 'BEGIN { print (a < b) ? a : b }'); cc=$(awk -v a="$c" -v b="$cc" 'BEGIN { print (a < b) ? a : b }')
    read -r w c < <(best2 1 tshark -r "$cap" -T fields -e frame.number)
    tw=$(awk -v a="$w" -v b="$tw" 'BEGIN { print (a < b) ? a : b }'); tc=$(awk -v a="$c" -v b="$tc" 'BEGIN { print (a < b) ? a : b }')
    read -r w c < <(best2 1 tcpdump -r "$cap" -w /dev/null)
    pw=$(awk -v a="$w" -v b="$pw" 'BEGIN { print (a < b) ? a : b }'); pc=$(awk -v a="$c" -v b="$pc" 'BEGIN { print (a < b) ? a : b }')
  done
  printf 'cellscope read -T fields -e frame.number -e utcp.seq : %6.2f s (CPU %5.2f s)  %9s frames/s\n' "$cw" "$cc" "$(rate "$cw")"
  printf 'tshark -r -T fields -e frame.number                 : %6.2f s (CPU %5.2f s)  %9s frames/s\n' "$tw" "$tc" "$(rate "$tw")"
  printf 'tcpdump -r -w /dev/null (libpcap floor)             : %6.2f s (CPU %5.2f s)  %9s frames/s\n' "$pw" "$pc" "$(rate "$pw")"
  awk -v c="$cw" -v t="$tw" -v p="$pw" 'BEGIN { printf "cellscope is %.1fx tshark, %.0f%% of libpcap (wall)\n", t / c, 100 * p / c }'
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  what="read -T fields -e frame.number -e utcp.seq ($kind, $n frames)"
  figure "$what" "$cw" "tshark -r -T fields -e frame.number" "$tw"
  figure "$what, CPU s" "$cc" "tshark's CPU s" "$tc"
  figure "$what" "$cw" "tcpdump -r -w /dev/null" "$pw"
done
