#!/usr/bin/env bash
# Peak anonymous memory (RssAnon: heap — which holds the chunks the capture is read into —, metaspace, thread
# stacks, native buffers; not the page cache) of `read`, `read -2`, `stats` and `plot` on the 1M-frame bulk and mesh captures,
# sampled from /proc/PID/status (bench/lib.sh peak_anon). Goal (issue 17 item 3): single-pass commands under
# 300 MB anonymous whatever the capture's size; two-pass commands within a stated bytes-per-frame bound.
# Usage: bench/memory.sh [FRAMES]. Not a CI test.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
frames=${1:-1000000}
limit_kib=$((300 * 1000 * 1000 / 1024)) # 300 MB
machine
printf '%-8s %-40s %8s %12s %12s %10s\n' capture command wall_s rss_anon_MB vm_rss_MB anon_B/frame
for kind in bulk mesh; do
  cap=$(sample "$kind" "$frames")
  cat "$cap" >/dev/null
  while IFS='|' read -r passes name args; do
    read -r wall anon rss < <(peak_anon "$here/cellscope" $args)
    perframe=$(awk -v a="$anon" -v n="$frames" 'BEGIN { printf "%.0f", a * 1024 / n }')
    printf '%-8s %-40s %8s %12.0f %12.0f %10s\n' "$kind" "$name" "$wall" "$(awk -v a="$anon" 'BEGIN { print a * 1.024 / 1000 }')" \
      "$(awk -v a="$rss" 'BEGIN { print a * 1.024 / 1000 }')" "$perframe"
    mb=$(awk -v a="$anon" 'BEGIN { printf "%.0f MB", a * 1.024 / 1000 }')
    if [ "$passes" = 1 ]; then
      figure "peak RssAnon: $name ($kind, $frames frames; goal < 300 MB)" "$mb" "$([ "$anon" -lt "$limit_kib" ] && echo met || echo 'NOT met')" "-"
    else
      figure "peak RssAnon: $name ($kind, $frames frames; two passes)" "$mb" "$perframe B/frame" "-"
    fi
  done <<ARGS
1|read (text to /dev/null)|read -r $cap
1|read -q -z expert|read -r $cap -q -z expert
2|read -2 (text to /dev/null)|read -2 -r $cap
1|stats --flows (all kinds)|stats -r $cap --flows /dev/null
2|stats -2 --flows|stats -2 -r $cap --flows /dev/null
1|plot --kind io|plot --kind io -r $cap -o $out/memory-io.png
1|plot --kind seq|plot --kind seq -r $cap -o $out/memory-seq.png
1|plot --kind nack|plot --kind nack -r $cap -o $out/memory-nack.png
ARGS
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
