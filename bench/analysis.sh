#!/usr/bin/env bash
# Times full conversation analysis (reassembly, UTCP-SBI messages, decompression and BLAKE3
# verification of every block, Tether ledger) on generated captures, against tshark's plain read of
# the same file: mesh (a mesh of peers; at 1M frames 34 distinct blocks put 34,572 times, so a block carried again
# takes its earlier copy's verification, analysis/RepeatedBlocks) and big-transfer (33,920 distinct
# blocks: every one decompressed and hashed). Usage: bench/analysis.sh [FRAMES] [RUNS];
# SAMPLES (default "mesh big-transfer"). Not a CI test.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cellscope_need_packages tshark:tshark
frames=${1:-1000000}
runs=${2:-3}
machine
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? a : b }'; }
for kind in ${SAMPLES:-mesh big-transfer}; do
  cap=$(sample "$kind" "$frames")
  size=$(stat -c %s "$cap")
  cat "$cap" >/dev/null # page cache
  blocks=$("$here/cellscope" read -r "$cap" -Y 'sbi.put.verified == 1' -T fields -e sbi.put.hash 2>/dev/null | sort | uniq -c | wc -l)
  puts=$("$here/cellscope" read -r "$cap" -Y 'sbi.put.verified == 1' -T fields -e frame.number 2>/dev/null | wc -l)
  echo "capture: $cap ($frames frames, $size bytes, $puts verified BLOCK_PUTs of $blocks distinct blocks)"
  # interleaved: the three commands in turn, so that load from other work falls on all alike; best of RUNS each
  c=999999 v=999999 t=999999 cc=999999 tc=999999
  for _ in $(seq "$runs"); do
    read -r w u < <(best2 1 "$here/cellscope" read -r "$cap" -q -z expert); c=$(min "$w" "$c"); cc=$(min "$u" "$cc")
    read -r w u < <(best2 1 "$here/cellscope" read -r "$cap" -q -z expert --no-verify); v=$(min "$w" "$v")
    read -r w u < <(best2 1 tshark -r "$cap" -T fields -e frame.number); t=$(min "$w" "$t"); tc=$(min "$u" "$tc")
  done
  awk -v t="$c" -v n="$frames" -v s="$size" -v u="$cc" 'BEGIN { printf "cellscope read -q -z expert (full analysis): %6.2f s  %9.0f frames/s  %6.0f MB/s  (CPU %.2f s)\n", t, n / t, s / t / 1e6, u }'
  awk -v t="$v" -v n="$frames" 'BEGIN { printf "  same without block verification:          %6.2f s  %9.0f frames/s\n", t, n / t }'
  awk -v t="$t" -v n="$frames" -v u="$tc" 'BEGIN { printf "tshark -r -T fields -e frame.number:        %6.2f s  %9.0f frames/s  (CPU %.2f s)\n", t, n / t, u }'
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  awk -v c="$c" -v t="$t" 'BEGIN { printf "full analysis is %.1fx tshark plain read (goal: 2x)\n", t / c }'
  figure "full analysis read -q -z expert ($kind, $frames frames)" "$c" "tshark -r -T fields -e frame.number" "$t"
  figure "full analysis, CPU s (both cores; $kind)" "$cc" "tshark's CPU s" "$tc"
  figure "the same with --no-verify ($kind, $frames frames)" "$v" "tshark -r -T fields -e frame.number" "$t"
done
