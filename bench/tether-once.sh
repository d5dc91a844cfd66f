#!/usr/bin/env bash
# One Tether transfer over UDP loopback, for paired runs of two builds (bench/README.md, session 31): starts
# tether-recv, sends FILE with tether-send, and prints the transfer's seconds, the slots re-sent and the receiver's
# intake drops. Re-sends without injected loss mean the receiver was overrun.
#
#   bench/tether-once.sh FILE [LAUNCHER]      LOSS=0.05 bench/tether-once.sh FILE   (loss injected on the sender)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
file=$1 cs=${2:-$here/cellscope}
d=$(mktemp -d "${STORE_DIR:-/dev/shm}/cs-tether.XXXX"); port=$((38200 + RANDOM % 500))
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$d"' EXIT
"$cs" endpoint tether-recv --key "$d/a.key" -o "$d/got.bin" --listen 127.0.0.1:$port --timeout 900 >"$d/recv.out" 2>&1 &
id=
for _ in $(seq 200); do
  id=$(grep -oE 'tether (ac:1d:[0-9a-f:]{11})' "$d/recv.out" | cut -d' ' -f2 || true); [ -n "$id" ] && break; sleep 0.1
done
[ -n "$id" ] || { echo "tether-recv did not start:" >&2; cat "$d/recv.out" >&2; exit 1; }
"$cs" endpoint tether-send "$file" --lamp --key "$d/b.key" --to "$id@127.0.0.1:$port" --timeout 900 \
  ${LOSS:+--loss "$LOSS" --seed 7} 2>/dev/null >"$d/send.out"
wait
cmp -s "$file" "$d/got.bin" || { echo "the received file differs" >&2; exit 1; }
echo "$(grep -oE 'in [0-9.]+ s' "$d/send.out"), $(grep -oE 're-sends [0-9]+' "$d/send.out"), intake drops: $(grep -oE '[0-9]+ received datagrams dropped' "$d/recv.out" | cut -d' ' -f1 || echo 0)"
