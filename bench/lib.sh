# Sourced by the benchmark scripts: the environment, and best-of-N timing.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/scripts/env.sh"
out="$here/bench/out"
mkdir -p "$out"

# best RUNS CMD...: the best wall time in seconds of RUNS runs, output discarded
best() {
  local runs=$1 best=999999 t
  shift
  for _ in $(seq "$runs"); do
    t=$( { TIMEFORMAT=%R; time "$@" >/dev/null 2>&1; } 2>&1 )
    best=$(echo "$t $best" | awk '{print ($1 < $2) ? $1 : $2}')
  done
  echo "$best"
}

# sample NAME FRAMES: path of a generated sample capture (made once)
sample() {
  local cap="$out/$1-$2.pcapng"
  [ -f "$cap" ] || "$here/cellscope" samples generate "$1" --size "$2" -o "$cap" >&2
  "$here/cellscope" --version >/dev/null # build outside the timing
  echo "$cap"
}

machine() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
}

# figure WHAT CELLSCOPE_S PEER PEER_S: one row of bench/run's table (bench/RESULTS.md), printed as a
# tagged line that the driver collects; the script's own lines stay as they were.
figure() {
  printf '@figure|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4"
}
