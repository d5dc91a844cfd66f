#!/usr/bin/env bash
# The DPDK rows of issue 14's benchmark (bench/xdp.sh does the work and has the details): `cellscope
# probe --backend dpdk` through net_af_packet (backing off when idle, and with --busy-poll) and through
# net_af_xdp (-i af_xdp:IF), against `dpdk-testpmd --forward-mode=rxonly` on the same two devices and
# the afpacket backend, on the same veth traffic in one run.
#
# Usage: bench/dpdk.sh [FRAMES (30000)] [RATE... (10000 20000 40000 topspeed)]; BENCH_LOCK, BUFFER_MIB as bench/xdp.sh.
# Needs root and Debian's dpdk, librte-net-af-xdp23, dpdk-dev. Not a CI test.
RECEIVERS=${RECEIVERS:-"testpmd-af_packet testpmd-af_xdp probe-afpacket probe-dpdk probe-dpdk-busy probe-dpdk-xdp"} \
  exec "$(dirname "${BASH_SOURCE[0]}")/xdp.sh" "$@"
