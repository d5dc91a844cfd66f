#!/usr/bin/env bash
# The GUI at scale: opens a generated big-transfer capture in the real window (on an Xvfb display
# when none is set) and prints when the list first shows rows, when the capture is fully read
# (analysis, flows and plots' series), the heap after a GC and per indexed frame, and the time of
# a display filter (applied 3 s after the capture is read, as typed; then again). Usage: bench/gui-open.sh [FRAMES|CAPTURE.pcapng] [FILTER]. Not a CI test.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
frames=${1:-1000000}
filter=${2:-utcp.flags.nack == 1}
if [ -f "$frames" ]; then cap=$frames; else cap=$(sample big-transfer "$frames"); fi
"$here/scripts/gui.sh" --help >/dev/null 2>&1 || true # build outside the timing
cat "$cap" > /dev/null # page cache
echo "capture: $cap ($(du -h "$cap" | cut -f1))"
machine
run() { "$here/scripts/gui.sh" "$cap"; }
export CELLSCOPE_GUI_BENCH="$filter"
if [ -z "${DISPLAY:-}" ]; then
  cellscope_need_packages Xvfb:xvfb xvfb-run:xvfb
  xvfb-run -a -s "-screen 0 1600x1000x24" "$here/scripts/gui.sh" "$cap"
else
  run
fi 2>&1 | grep -v 'Unsupported JavaFX configuration\|PlatformImpl startup'
