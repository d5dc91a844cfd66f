#!/usr/bin/env bash
# JMH kernels (bench/jmh: BLAKE3, CRC-64, SipHash-128, zstd and deflate as the probe's BlockCodec runs them on
# 64 KiB blocks, a display-filter predicate, a range set), then the peers on the same kind of bytes:
# `b3sum --num-threads 1` and `zstd -d --single-thread` on MiB mebibytes of the text-like content the
# benchmarks hash and decompress (bench/jmh Content). Usage: bench/kernels.sh [MiB (256)] [RUNS (3)].
# Builds bench/jmh with the jmh profile (never part of ./run-tests). Not a CI test.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cellscope_need_packages b3sum:b3sum zstd:zstd
mib=${1:-256}
runs=${2:-3}
(cd "$here" && mvn -B -q -Pjmh -pl bench/jmh -am -DskipTests package) >&2
jar="$here/bench/jmh/target/benchmarks.jar"
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)
machine
"${java[@]}" -jar "$jar" -rf csv -rff "$out/jmh.csv" 2>&1 | sed -n '/^Benchmark /,$p'

# score NAME: the JMH score (ops/s or ns/op) of benchmark NAME
score() { awk -F, -v n="\"dev.cellscope.bench.$1\"" '$1 == n { print $5 }' "$out/jmh.csv"; }
content="$out/content-$mib.bin"
[ -f "$content" ] || "${java[@]}" -cp "$jar" dev.cellscope.bench.Content "$content" "$mib"
[ -f "$content.zst" ] || zstd -q -3 --single-thread -f "$content" -o "$content.zst"
cat "$content" "$content.zst" >/dev/null # page cache
b=$(best "$runs" b3sum --num-threads 1 --no-names "$content")
z=$(best "$runs" sh -c "zstd -q -d -c --single-thread '$content.zst' >/dev/null")
blocks=$((mib * 16))
secs() { awk -v ops="$1" -v n="$blocks" 'BEGIN { printf "%.3f", n / ops }'; }
echo "zstd CLI ratio on this content: $(stat -c %s "$content") -> $(stat -c %s "$content.zst") bytes"
printf 'b3sum --num-threads 1 on %d MiB: %s s; zstd -d --single-thread: %s s\n' "$mib" "$b" "$z"
figure "BLAKE3 of $mib MiB in 64 KiB blocks, one thread (JMH)" "$(secs "$(score Kernels.blake3)")" "b3sum --num-threads 1" "$b"
figure "zstd -3 decompression of $mib MiB in 64 KiB frames, one thread (JMH)" "$(secs "$(score Kernels.zstdDecompress)")" "zstd -d --single-thread (one frame)" "$z"
figure "deflate decompression of $mib MiB in 64 KiB blocks (JMH)" "$(secs "$(score Kernels.deflateDecompress)")" "zstd -d (for scale)" "$z"
figure "CRC-64 (Tether) of $mib MiB (JMH)" "$(secs "$(score Kernels.crc64)")" "b3sum --num-threads 1 (for scale)" "$b"
figure "SipHash-128 of $mib MiB (JMH)" "$(secs "$(score Kernels.sipHash128)")" "b3sum --num-threads 1 (for scale)" "$b"
figure "BLAKE3 pure-Java fallback, $mib MiB (JMH)" "$(secs "$(score Kernels.blake3PureJava)")" "b3sum --num-threads 1" "$b"
figure "display-filter predicate, 3 clauses, per frame (JMH)" "$(awk -v s="$(score Predicates.filterPredicate)" 'BEGIN { printf "%.1f ns", s }')" "-" "-"
figure "range-set arrival (add, contains), per frame (JMH)" "$(awk -v s="$(score Predicates.rangeSetArrival)" 'BEGIN { printf "%.1f ns", s }')" "-" "-"
