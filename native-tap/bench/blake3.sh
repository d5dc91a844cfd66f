#!/usr/bin/env bash
# Single-thread BLAKE3 throughput: the native engine (reference C through FFM) and the
# pure-Java engine hashing a buffer in blocks, against `b3sum --num-threads 1` on a file of
# the same size (page cache). Usage: native-tap/bench/blake3.sh [MiB (512)] [block KiB (256)] [RUNS (3)].
# Not a CI test.
set -euo pipefail
module="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$module/.." && pwd)"
. "$root/scripts/env.sh"
cellscope_need_packages b3sum:b3sum
mib=${1:-512}
block=${2:-256}
runs=${3:-3}
out="$module/target/bench"
mkdir -p "$out"

# build (this also compiles libblake3.so) and get the test class path, outside the timing
(cd "$root" && mvn -B -q -pl native-tap -am test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test >/dev/null)
cp="$module/target/test-classes:$module/target/classes:$(cat "$out/classpath.txt")"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "$(grep -o -w -E 'avx512f|avx2' /proc/cpuinfo | sort -u | xargs)"
java -Xmx$((mib * 2 + 512))m --enable-native-access=ALL-UNNAMED -cp "$cp" \
  dev.cellscope.nativetap.Blake3Bench "$mib" "$block" "$runs"

file="$out/random-$mib.bin"
[ -f "$file" ] || head -c $((mib << 20)) /dev/urandom >"$file"
cat "$file" >/dev/null # into the page cache
# best wall and best CPU (user + sys) time of RUNS runs
best=999999 bestcpu=999999
for _ in $(seq "$runs"); do
  read -r real user sys < <( { TIMEFORMAT='%R %U %S'; time b3sum --num-threads 1 --no-names "$file" >/dev/null; } 2>&1 )
  best=$(awk -v a="$real" -v b="$best" 'BEGIN { print (a < b) ? a : b }')
  bestcpu=$(awk -v a="$user" -v s="$sys" -v b="$bestcpu" 'BEGIN { print (a + s < b) ? a + s : b }')
done
awk -v t="$best" -v c="$bestcpu" -v n=$((mib << 20)) -v v="$(b3sum --version)" 'BEGIN {
  printf "%-24s %-48s wall %6.3f s %6.2f GB/s   cpu %6.3f s %6.2f GB/s\n", "b3sum --num-threads 1", "[" v "]", t, n / t / 1e9, c, n / c / 1e9 }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
