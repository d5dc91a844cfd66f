#!/usr/bin/env bash
# Times `cellscope read -T fields` on a generated capture against tshark and libpcap (tcpdump)
# on the same file. Usage: bench/read-fields.sh [FRAMES] [RUNS]. Not a CI test.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cellscope_need_packages tshark:tshark tcpdump:tcpdump
frames=${1:-1000000}
runs=${2:-3}
cap=$(sample bulk "$frames")

rate() { awk -v n="$frames" -v t="$1" 'BEGIN { printf "%.0f", n / t }'; }

size=$(stat -c %s "$cap")
echo "capture: $cap ($frames frames, $size bytes)"
machine
c=$(best "$runs" "$here/cellscope" read -r "$cap" -T fields -e frame.number -e utcp.seq)
printf 'cellscope read -T fields -e frame.number -e utcp.seq : %6.2f s  %9s frames/s\n' "$c" "$(rate "$c")"
t=$(best "$runs" tshark -r "$cap" -T fields -e frame.number)
printf 'tshark -r -T fields -e frame.number                 : %6.2f s  %9s frames/s\n' "$t" "$(rate "$t")"
p=$(best "$runs" tcpdump -r "$cap" -w /dev/null)
printf 'tcpdump -r -w /dev/null (libpcap floor)             : %6.2f s  %9s frames/s\n' "$p" "$(rate "$p")"
awk -v c="$c" -v t="$t" -v p="$p" 'BEGIN { printf "cellscope is %.1fx tshark, %.0f%% of libpcap\n", t / c, 100 * p / c }'
figure "read -T fields -e frame.number -e utcp.seq (bulk, $frames frames)" "$c" "tshark -r -T fields -e frame.number" "$t"
figure "read -T fields -e frame.number -e utcp.seq (bulk, $frames frames)" "$c" "tcpdump -r -w /dev/null" "$p"
