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
/usr/bin/time -f %M -o "$out/rss.txt" "${stats[@]}" -r "$cap" --flows /dev/null
rss=$(tail -1 "$out/rss.txt")
echo "peak RSS (stats --kind all): $((rss / 1024)) MiB"
# Bounded memory: the same run must also fit a small heap (the JVM otherwise sizes its heap to the machine).
JAVA_TOOL_OPTIONS=-Xmx96m /usr/bin/time -f %M -o "$out/rss.txt" "${stats[@]}" -r "$cap" --flows "$out/flows-small-heap.csv" 2>/dev/null
small=$(tail -1 "$out/rss.txt")
cmp -s "$csv" "$out/flows-small-heap.csv" && same="identical CSV" || same="CSV DIFFERS"
echo "with -Xmx96m: peak RSS $((small / 1024)) MiB, $same"
/usr/bin/time -f %M -o "$out/rss.txt" "$here/cellscope" read -r "$cap" -q -z expert >/dev/null
rss2=$(tail -1 "$out/rss.txt")
echo "peak RSS (read -q -z expert, same analysis, for comparison): $((rss2 / 1024)) MiB"
echo "rows: $(grep -c '^utcp,' "$csv") utcp, $(grep -c '^tether,' "$csv") tether, $(grep -c '^sbi,' "$csv") sbi"
