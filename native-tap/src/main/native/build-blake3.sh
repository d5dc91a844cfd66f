#!/usr/bin/env bash
# Builds BLAKE3's reference C code (from Debian's librust-blake3-dev) into a shared library
# that ships inside the native-tap jar. Run by Maven in generate-resources:
#   build-blake3.sh OUT_DIR
# OUT_DIR (target/classes/native/linux-x86_64) receives:
#   libblake3.so          the library (portable + SSE2/SSE4.1/AVX2/AVX-512 asm, picked at run time)
#   libblake3.properties  version and sizeof(blake3_hasher), measured with the same header,
#                         so the Java side allocates exactly what this build needs
#   libblake3.LICENSE     BLAKE3's licence (CC0 / Apache-2.0), shipped with the binary
# or, when it cannot build, NOT-BUILT.txt with the reason (the Java side reports it).
# Never fails the build: without the library the pure-Java digest is used.
# Override the source directory with BLAKE3_C_DIR=/path/to/blake3/c.
set -u
out=${1:?usage: build-blake3.sh OUT_DIR}
script="${BASH_SOURCE[0]}"

skip() {
  echo "[WARNING] native BLAKE3 not built: $1; the pure-Java digest will be used" >&2
  mkdir -p "$out"
  rm -f "$out/libblake3.so" "$out/libblake3.properties" "$out/libblake3.LICENSE"
  echo "$1" >"$out/NOT-BUILT.txt"
  exit 0
}

[ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ] \
  || skip "only Linux x86-64 is supported, this is $(uname -s) $(uname -m)"

src=${BLAKE3_C_DIR:-}
if [ -z "$src" ]; then
  # newest version first: sort -V orders blake3-1.10.0 after blake3-1.9.0
  src=$(ls -d /usr/share/cargo/registry/blake3-*/c 2>/dev/null | sort -V | tail -n 1)
fi
[ -n "$src" ] && [ -f "$src/blake3.h" ] \
  || skip "no BLAKE3 C sources in ${src:-/usr/share/cargo/registry/blake3-*/c} (install the Debian package librust-blake3-dev)"
files=(blake3.c blake3_dispatch.c blake3_portable.c
       blake3_sse2_x86-64_unix.S blake3_sse41_x86-64_unix.S
       blake3_avx2_x86-64_unix.S blake3_avx512_x86-64_unix.S)
for f in "${files[@]}"; do
  [ -f "$src/$f" ] || skip "$src/$f is missing"
done
command -v gcc >/dev/null 2>&1 || skip "gcc not found (install the Debian package gcc)"

lib="$out/libblake3.so"
props="$out/libblake3.properties"
# Up to date: outputs newer than every source and this script, built from the same directory.
if [ -f "$lib" ] && [ -f "$props" ] && grep -qxF "source=$src" "$props"; then
  stale=$(find "$src/blake3.h" "${files[@]/#/$src/}" "$script" -newer "$lib" 2>/dev/null | head -n 1)
  if [ -z "$stale" ]; then
    echo "native BLAKE3: $lib is up to date"
    exit 0
  fi
fi

mkdir -p "$out"
rm -f "$out/NOT-BUILT.txt"
tmp=$(mktemp -d) || skip "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# sizeof(blake3_hasher) from the header we compile against: the Java side allocates it.
cat >"$tmp/probe.c" <<'EOF'
#include <stdio.h>
#include "blake3.h"
int main(void) {
  printf("version=%s\nhasher.size=%zu\nhasher.align=%zu\n",
         BLAKE3_VERSION_STRING, sizeof(blake3_hasher), _Alignof(blake3_hasher));
  return 0;
}
EOF
gcc -I"$src" -o "$tmp/probe" "$tmp/probe.c" 2>"$tmp/err" \
  || skip "gcc could not compile the sizeof probe: $(head -c 300 "$tmp/err")"
"$tmp/probe" >"$tmp/props" || skip "the sizeof probe failed to run"

# -O3 as upstream recommends; no -march: the dispatcher picks SSE2..AVX-512 with cpuid at run time.
# noexecstack: the JVM warns about (and patches) libraries that ask for an executable stack.
(cd "$src" && gcc -O3 -fPIC -shared -Wl,-soname,libblake3.so -Wl,-z,noexecstack -o "$tmp/libblake3.so" "${files[@]}") 2>"$tmp/err" \
  || skip "gcc failed: $(head -c 300 "$tmp/err")"

echo "source=$src" >>"$tmp/props"
echo "compiler=$(gcc --version | head -n 1)" >>"$tmp/props"
for l in "$src/../LICENSE" "$src/../LICENSE_A2" "$src/../LICENSE_CC0"; do
  [ -f "$l" ] && cat "$l" >>"$tmp/LICENSE"
done
[ -f "$tmp/LICENSE" ] && mv -f "$tmp/LICENSE" "$out/libblake3.LICENSE"
# library first, properties last: the up-to-date check needs both
mv -f "$tmp/libblake3.so" "$lib"
mv -f "$tmp/props" "$props"
echo "native BLAKE3: built $lib from $src ($(grep '^version=' "$props"))"
