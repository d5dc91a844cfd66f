#!/usr/bin/env bash
# bench/startup.sh [RUNS] [BASE]: start-up, the whole command from the shell to the last line, against tshark
# on the same small capture (samples/captures/quickstart.pcapng, 53 frames), with hyperfine. BASE, another
# checkout of cellscope (e.g. a worktree of an older commit), is timed the same way for a before/after.
# Writes bench/out/startup.md (hyperfine's Markdown table) and prints the machine.
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
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p); $(tshark --version | head -1)"
hyperfine -N --warmup 3 --runs "$runs" --export-markdown "$out/startup.md" "${cmds[@]}"
