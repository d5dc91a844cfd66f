# Sourced by ./cellscope, ./run-tests and the benchmarks: finds Java 25 and Maven,
# installing Debian packages that are missing when running as root.

cellscope_die() { echo "cellscope: $*" >&2; exit 1; }

# Serialises the builds of one checkout: two commands started together after a change (serve and put in two
# terminals, or the GUI and the CLI, which share modules) must not run two Maven builds into the same target/
# trees; one truncated the other's class files ("class file truncated"). An flock (util-linux) on this file, which
# every checkout has, so no lock file is made; released by cellscope_build_unlock or when the process ends.
cellscope_build_lock() { exec 9<"${BASH_SOURCE[0]}"; flock 9; }
cellscope_build_unlock() { exec 9<&-; }

# Installs Debian packages whose commands are missing: cellscope_need_packages CMD:PKG ...
cellscope_need_packages() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  cellscope_install_packages "${missing[@]}"
}

# Installs Debian packages that provide no command, found by a file glob:
# cellscope_need_files 'GLOB:PKG' ...
cellscope_need_files() {
  local missing=() pair
  for pair in "$@"; do
    compgen -G "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  cellscope_install_packages "${missing[@]}"
}

# apt-get install of the given packages (none: nothing to do); needs root.
cellscope_install_packages() {
  local missing=("$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    cellscope_die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  fi
  echo "cellscope: installing ${missing[*]} (apt-get)..." >&2
  if [ -z "${CELLSCOPE_APT_UPDATED:-}" ]; then
    apt-get update -qq >&2 || cellscope_die "apt-get update failed"
    export CELLSCOPE_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 \
    || cellscope_die "apt-get install ${missing[*]} failed"
}

# What the build needs beyond Java and Maven, for ./cellscope and ./run-tests alike: native-tap
# compiles BLAKE3's reference C (Debian's librust-blake3-dev) with gcc into the jar. Without them
# the build still succeeds, with the pure-Java digest (slower; a warning on every run).
CELLSCOPE_BUILD_NEEDS=(gcc:gcc)
CELLSCOPE_BUILD_FILES=('/usr/share/cargo/registry/blake3-*/c/blake3.h:librust-blake3-dev')

# Installs the build's packages when missing (needs root, like cellscope_need_packages).
cellscope_need_build_packages() {
  cellscope_need_packages "${CELLSCOPE_BUILD_NEEDS[@]}"
  cellscope_need_files "${CELLSCOPE_BUILD_FILES[@]}"
}

# Prints the build's packages that are missing, space-separated (nothing when all are there).
cellscope_missing_build_packages() {
  local missing=() pair
  for pair in "${CELLSCOPE_BUILD_NEEDS[@]}"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  for pair in "${CELLSCOPE_BUILD_FILES[@]}"; do
    compgen -G "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  echo "${missing[*]}"
}

# As root, installs what the build needs; otherwise says in one line what is missing (the build
# goes on with the pure-Java digest). For the launcher, which must work without root.
cellscope_want_build_packages() {
  local missing
  missing=$(cellscope_missing_build_packages)
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    cellscope_need_build_packages
  else
    echo "cellscope: the native BLAKE3 needs Debian packages $missing (sudo apt-get install $missing); using the pure-Java digest" >&2
  fi
}

# True when native-tap was built without its library for want of a package that is now installed
# (its NOT-BUILT.txt names one): a rebuild then picks the native digest up.
# cellscope_native_rebuild_needed NATIVE_OUT_DIR
cellscope_native_rebuild_needed() {
  local why="$1/NOT-BUILT.txt"
  [ -f "$why" ] && grep -q 'install the Debian package' "$why" && [ -z "$(cellscope_missing_build_packages)" ]
}

# What running needs beyond the build: libpcap (Debian libpcap0.8), whose pcap_compile turns capture
# filters (-f) into BPF for native-tap's AF_PACKET ring. Without it a capture without a filter still works.
# libdeflate (libdeflate0) inflates deflate blocks 2-3x faster than java.util.zip; without it zlib does.
CELLSCOPE_RUNTIME_FILES=('/usr/lib/*/libpcap.so.0.8:libpcap0.8' '/usr/lib/*/libdeflate.so.0:libdeflate0')

# The dpdk backend and its tests: DPDK 22.11's libraries and af_packet/af_xdp drivers, testpmd and the headers (DpdkAbiTest).
CELLSCOPE_DPDK_FILES=('/usr/lib/*/librte_net_af_packet.so.23:dpdk' '/usr/lib/*/librte_net_af_xdp.so.23:librte-net-af-xdp23' '/usr/bin/dpdk-testpmd:dpdk-dev' '/usr/include/dpdk/rte_ethdev_core.h:dpdk-dev')

# The xdp backend and its tests: libxdp (with its AF_XDP redirect program xsk_def_xdp_prog.o) and libbpf,
# loaded through FFM; xdp-tools' xdp-loader is the fix the error messages name for a program left behind;
# ethtool reads the per-queue XDP counters the multi-queue test checks against.
CELLSCOPE_XDP_FILES=('/usr/lib/*/libxdp.so.1:libxdp1' '/usr/lib/*/libbpf.so.1:libbpf1' '/usr/lib/*/bpf/xsk_def_xdp_prog.o:libxdp1' '/usr/sbin/xdp-loader:xdp-tools' '/usr/sbin/ethtool:ethtool')
# cellscope_heap_options ARGS...: sets the array cellscope_heap to the launcher's heap options for the command ARGS.
# Single-pass capture commands (read, stats, plot without -2) keep bounded state (the analysis' caps, the flow
# table's --max-flows, 2,048 frames read ahead): their live heap is tens of MB whatever the capture's size. Left
# to its ergonomics, ParallelGC grows the heap to meet its GC-time goal instead (1.76 GB of anonymous memory for a
# text `read` of a 1M-frame capture with a 96 MB young generation; 400 MB with 256 MB), so the heap is capped:
# with 192 MB (96 MB young) they stay under 300 MB of anonymous memory (bench/memory.sh, bench/README.md).
# CELLSCOPE_HEAP lifts the cap (say, many -z statistics over a very long capture); two-pass runs are not capped.
# Elsewhere a capped young generation keeps the short-lived per-frame objects in warm memory (less page faulting).
# The heap is backed by transparent huge pages when the kernel offers them (mode madvise or always): on this
# machine kind (a VM) the first access of each 4 KiB page costs about 5 µs even after it is mapped, so a heap
# in 2 MiB pages takes 512 times fewer of those; measured, a 1M-frame `read -T fields` fell from 1.50 to 1.31 s
# and a small capture's whole command from 0.42 to 0.33 s (bench/README.md, session 28). Where the kernel has
# THP off the JVM would warn, so the option is then left out: cellscope_thp_option [MODE-FILE] sets the array
# cellscope_thp (bash alone, no process: it runs on every start).
cellscope_thp_option() {
  local mode=
  read -r mode 2>/dev/null <"${1:-/sys/kernel/mm/transparent_hugepage/enabled}" || true
  case $mode in *'[always]'* | *'[madvise]'*) cellscope_thp=(-XX:+UseTransparentHugePages) ;; *) cellscope_thp=() ;; esac
}
cellscope_heap_options() {
  local a thp
  cellscope_thp_option
  thp=("${cellscope_thp[@]}")
  case ${1:-} in
    read|stats|plot)
      for a in "${@:2}"; do [[ $a == -2 || $a =~ ^-[a-zA-Z]*2[a-zA-Z]*$ ]] && { cellscope_heap=(-XX:MaxNewSize=256m "${thp[@]}"); return; }; done
      cellscope_heap=("-Xmx${CELLSCOPE_HEAP:-192m}" -XX:MaxNewSize=96m "${thp[@]}") ;;
    *) cellscope_heap=(-XX:MaxNewSize=256m "${thp[@]}") ;;
  esac
}

# As root, installs what running needs; otherwise says in one line what is missing.
cellscope_want_runtime_packages() {
  local missing=() pair
  for pair in "${CELLSCOPE_RUNTIME_FILES[@]}"; do
    compgen -G "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    cellscope_install_packages "${missing[@]}"
  else
    echo "cellscope: capture filters (libpcap0.8) and fast deflate (libdeflate0) need Debian packages ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
  fi
}

# Where env.sh remembers what it learnt about a JDK (its Java version), so that sourcing it starts no JVM:
# one line per JDK, keyed on its path and on the modification time and size of its `bin/java` and
# `lib/modules` (an upgrade in place changes them, and the JDK is asked again).
cellscope_java_cache="${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/cellscope/java-versions"

# Sets cellscope_java_v to the Java specification version of the JDK at $1 (25, 17, ...; empty when it cannot tell),
# from the cache when its key still matches, else by asking the JDK itself (and remembering the answer when the
# cache is writable). These functions set variables rather than print, so that the cached path forks only the one
# stat: every ./cellscope sources this file, and a subshell costs 2-5 ms of a small read's start-up here.
cellscope_java_version() {
  local candidate=$1 key v line
  cellscope_java_v=
  key="$candidate $(stat -L --printf '%Y.%s ' "$candidate/bin/java" "$candidate/lib/modules" 2>/dev/null)"
  if [ -r "$cellscope_java_cache" ]; then
    while IFS=$'\t' read -r line v; do
      [ "$line" = "$key" ] && { cellscope_java_v=$v; return 0; }
    done <"$cellscope_java_cache"
  fi
  v=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [ -n "$v" ] || return 0
  cellscope_java_v=$v
  # Best effort: an unwritable cache only means the JDK is asked again next time.
  { mkdir -p "${cellscope_java_cache%/*}" &&
    { grep -v -F "$candidate " "$cellscope_java_cache" 2>/dev/null; printf '%s\t%s\n' "$key" "$v"; } \
      >"$cellscope_java_cache.$$" && mv -f "$cellscope_java_cache.$$" "$cellscope_java_cache"; } 2>/dev/null \
    || rm -f "$cellscope_java_cache.$$" 2>/dev/null || true
}

# Sets JAVA_HOME to the first JDK of version 25 or newer: JAVA_HOME's own, Temurin 25's path, then any under /usr/lib/jvm.
cellscope_java_home() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    cellscope_java_version "$candidate"
    if [ -n "$cellscope_java_v" ] && [ "${cellscope_java_v%%.*}" -ge 25 ] 2>/dev/null; then
      JAVA_HOME=$candidate
      return 0
    fi
  done
  return 1
}

cellscope_java_home || cellscope_die "Java 25 or newer is required (expected /usr/lib/jvm/temurin-25-jdk-amd64)"
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
cellscope_need_packages mvn:maven
