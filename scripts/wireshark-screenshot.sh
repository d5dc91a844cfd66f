#!/usr/bin/env bash
# How docs/wireshark/*.png were made: Wireshark (Debian's wireshark package) under Xvfb with the
# generated plugin, a capture open at one frame, and the tree items at the given screen rows
# expanded (a click, then Shift+Right: expand subtrees). Needs xvfb, xdotool, x11-apps, netpbm.
# The rows depend on the capture (comments add one) and on Wireshark's layout: take a shot with
# ROWS=9999 first to see where the items are. Screen 1400x1300; the byte view is hidden.
# Usage: scripts/wireshark-screenshot.sh PLUGIN.lua CAPTURE FRAME OUT.png "ROW_Y ..."
# e.g.   scripts/wireshark-screenshot.sh headless-probe/target/cellscope.lua \
#            samples/captures/quickstart.pcapng 3 docs/wireshark/utcp-sbi-handshake.png "662 645"
set -euo pipefail
plugin=$(realpath "$1") capture=$(realpath "$2") frame=$3 out=$4 rows=${5:-9999}
home=$(mktemp -d)
mkdir -p "$home/.config/wireshark"
printf 'gui.packet_list_show: TRUE\ngui.byte_view_show: FALSE\ngui.tree_view_show: TRUE\ngui.geometry_main_upper_pane: 180\n' \
  | tee "$home/.config/wireshark/recent" > "$home/.config/wireshark/recent_common"
disp=:$((70 + $$ % 20))
Xvfb "$disp" -screen 0 1400x1300x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
ws=
trap 'kill $ws $xvfb 2>/dev/null || true; rm -rf "$home"' EXIT
sleep 2
export DISPLAY=$disp
HOME=$home XDG_RUNTIME_DIR=$home wireshark -X lua_script:"$plugin" -r "$capture" -g "$frame" >/dev/null 2>&1 &
ws=$!
for _ in $(seq 1 40); do
  xdotool search --name "$(basename "$capture")" >/dev/null 2>&1 && break
  sleep 0.5
done
sleep 4
win=$(xdotool search --name "$(basename "$capture")" | head -1)
xdotool windowsize "$win" 1400 1300 windowmove "$win" 0 0 || true
sleep 1
for y in $rows; do
  xdotool mousemove 60 "$y" click 1
  sleep 0.5
  xdotool key shift+Right
  sleep 0.5
done
sleep 2
xwd -root -display "$disp" | xwdtopnm 2>/dev/null | pnmquant 64 2>/dev/null | pnmtopng -compression 9 > "$out"
