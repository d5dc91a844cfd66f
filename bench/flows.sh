#!/usr/bin/env bash
# Times the flow table (cellscope stats, full conversation analysis, all three kinds) on a
# generated 1,000,000-frame capture and reports its peak RSS: one pass, bounded memory.
# Usage: bench/flows.sh [FRAMES] [RUNS] [SAMPLE]. Not a CI test.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
frames=${1:-1000000}
runs=${2:-3}
name=${3:-mesh}
cap=$(sample "$name" "$frames")

# stats: the command line of cellscope stats, or (before the command is registered in Main) the same
# StatsCommand through a two-line launcher with the launcher script's JVM options.
if "$here/cellscope" stats --help 2>&1 | grep -q -- --flows; then
  stats=("$here/cellscope" stats)
else
  mkdir -p "$out/stats-launcher"
  jar="$here/headless-probe/target/cellscope.jar"
  echo 'public class StatsMain { public static void main(String[] a) { System.exit(new picocli.CommandLine(new dev.cellscope.cli.StatsCommand()).execute(a)); } }' \
    > "$out/stats-launcher/StatsMain.java"
  "$JAVA_HOME/bin/javac" -cp "$jar" -d "$out/stats-launcher" "$out/stats-launcher/StatsMain.java"
  stats=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -XX:MaxNewSize=256m
    -cp "$here/headless-probe/target/cellscope.jar:$out/stats-launcher" StatsMain)
fi
csv="$out/flows-$name-$frames.csv"

size=$(stat -c %s "$cap")
echo "capture: $cap ($frames frames, $size bytes)"
machine
"${stats[@]}" -r "$cap" --flows "$csv" # once outside the timing: fails loudly if something is wrong
t=$(best "$runs" "${stats[@]}" -r "$cap" --flows "$csv")
awk -v t="$t" -v n="$frames" 'BEGIN { printf "cellscope stats --kind all:      %6.2f s  %9.0f frames/s\n", t, n / t }'
u=$(best "$runs" "${stats[@]}" -r "$cap" --flows /dev/null --kind utcp --no-verify)
awk -v t="$u" -v n="$frames" 'BEGIN { printf "  --kind utcp --no-verify:       %6.2f s  %9.0f frames/s\n", t, n / t }'
# peak_rss CMD...: peak VmRSS and peak RssAnon (heap and other private memory, without the
# pages of the memory-mapped capture, which the kernel may drop at any time) in MiB.
peak_rss() {
  "$@" >/dev/null 2>&1 &
  local pid=$! rss=0 anon=0 r a
  while kill -0 "$pid" 2>/dev/null; do
    r=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    a=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${r:-0}" -gt "$rss" ] && rss=$r
    [ "${a:-0}" -gt "$anon" ] && anon=$a
    sleep 0.05
  done
  wait "$pid"
  echo "$((rss / 1024)) MiB RSS, of which $((anon / 1024)) MiB anonymous"
}
echo "peak (stats --kind all): $(peak_rss "${stats[@]}" -r "$cap" --flows /dev/null)"
/usr/bin/time -f %M -o "$out/rss.txt" "${stats[@]}" -r "$cap" --flows /dev/null
echo "  /usr/bin/time -f %M: $(( $(tail -1 "$out/rss.txt") / 1024 )) MiB"
# Bounded memory: the same run must also fit a small heap (the JVM otherwise sizes its heap to the machine).
echo "peak with -Xmx96m: $(JAVA_TOOL_OPTIONS=-Xmx96m peak_rss "${stats[@]}" -r "$cap" --flows "$out/flows-small-heap.csv")"
cmp -s "$csv" "$out/flows-small-heap.csv" && echo "  identical CSV" || echo "  CSV DIFFERS"
echo "peak (read -q -z expert, the same analysis, for comparison): $(peak_rss "$here/cellscope" read -r "$cap" -q -z expert)"
echo "rows: $(grep -c '^utcp,' "$csv") utcp, $(grep -c '^tether,' "$csv") tether, $(grep -c '^sbi,' "$csv") sbi"
