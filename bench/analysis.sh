#!/usr/bin/env bash
# Times full conversation analysis (reassembly, UTCP-SBI messages, decompression and BLAKE3
# verification of every block, Tether ledger) on a generated mesh-transfer capture, against
# tshark's plain read of the same file. Usage: bench/analysis.sh [FRAMES] [RUNS]. Not a CI test.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cellscope_need_packages tshark:tshark
frames=${1:-1000000}
runs=${2:-3}
cap=$(sample mesh "$frames")


size=$(stat -c %s "$cap")
blocks=$("$here/cellscope" read -r "$cap" -Y 'sbi.put.verified == 1' -T fields -e frame.number 2>/dev/null | wc -l)
echo "capture: $cap ($frames frames, $size bytes, $blocks verified BLOCK_PUTs of 64 KiB)"
machine
c=$(best "$runs" "$here/cellscope" read -r "$cap" -q -z expert)
awk -v t="$c" -v n="$frames" -v s="$size" 'BEGIN { printf "cellscope read -q -z expert (full analysis): %6.2f s  %9.0f frames/s  %6.0f MB/s\n", t, n / t, s / t / 1e6 }'
v=$(best "$runs" "$here/cellscope" read -r "$cap" -q -z expert --no-verify)
awk -v t="$v" -v n="$frames" 'BEGIN { printf "  same without block verification:          %6.2f s  %9.0f frames/s\n", t, n / t }'
t=$(best "$runs" tshark -r "$cap" -T fields -e frame.number)
awk -v t="$t" -v n="$frames" 'BEGIN { printf "tshark -r -T fields -e frame.number:        %6.2f s  %9.0f frames/s\n", t, n / t }'
awk -v c="$c" -v t="$t" 'BEGIN { printf "full analysis is %.1fx tshark plain read (goal: 2x)\n", t / c }'
figure "full analysis read -q -z expert (mesh, $frames frames)" "$c" "tshark -r -T fields -e frame.number" "$t"
figure "the same with --no-verify (mesh, $frames frames)" "$v" "tshark -r -T fields -e frame.number" "$t"
