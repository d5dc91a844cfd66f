#!/usr/bin/env bash
# bench/startup.sh [RUNS] [BASE]: start-up, the whole command from the shell to the last line, against tshark
# on the same small capture (samples/captures/quickstart.pcapng, 53 frames), with hyperfine. BASE, another
# checkout of cellscope (e.g. a worktree of an older commit), is timed the same way for a before/after.
# Prints hyperfine's report, then each command's median and mean; writes bench/out/startup.md and .json.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
runs=${1:-20}
base=${2:-}
cellscope_need_packages hyperfine:hyperfine tshark:tshark
q="$here/samples/captures/quickstart.pcapng"
# Build, and make the start-up cache, outside the timing.
"$here/cellscope" --version >/dev/null
cmds=(-n "cellscope read -r quickstart.pcapng" "$here/cellscope read -r $q"
      -n "tshark -r quickstart.pcapng" "tshark -r $q"
      -n "cellscope --version" "$here/cellscope --version"
      -n "tshark --version" "tshark --version"
      -n ". scripts/env.sh" "bash -c '. $here/scripts/env.sh'")
if [ -n "$base" ]; then
  "$base/cellscope" --version >/dev/null
  cmds+=(-n "BASE cellscope read -r quickstart.pcapng" "$base/cellscope read -r $q"
         -n "BASE cellscope --version" "$base/cellscope --version"
         -n "BASE . scripts/env.sh" "bash -c '. $base/scripts/env.sh'")
fi
machine
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N --warmup 3 --runs "$runs" --export-markdown "$out/startup.md" --export-json "$out/startup.json" "${cmds[@]}"
# Medians (robust when other work shares the cores), in seconds; then the rows for bench/run.
python3 - "$out/startup.json" >"$out/startup.medians" <<'PY'
import json, sys, statistics
for r in json.load(open(sys.argv[1]))["results"]:
    print(f'{r["command"]}|{statistics.median(r["times"]):.3f}|{r["mean"]:.3f}|{r["user"] + r["system"]:.3f}')
PY
echo "median s | mean s | CPU s (user+sys, mean) | command"
awk -F'|' '{ printf "%8s | %6s | %6s | %s\n", $2, $3, $4, $1 }' "$out/startup.medians"
m() { awk -F'|' -v c="$1" '$1 == c { print $2 }' "$out/startup.medians"; }
figure "start-up: read -r quickstart.pcapng (53 frames), median" "$(m 'cellscope read -r quickstart.pcapng')" "tshark -r" "$(m 'tshark -r quickstart.pcapng')"
figure "start-up: --version, median" "$(m 'cellscope --version')" "tshark --version" "$(m 'tshark --version')"
