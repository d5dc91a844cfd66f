/**
 * The DPDK backend ({@code --backend dpdk}): native-tap's DPDK port ({@code dev.cellscope.nativetap.dpdk})
 * behind the live-capture SPI, registered with {@link java.util.ServiceLoader}. The EAL runs once per
 * process ({@link dev.cellscope.live.dpdk.EalArguments} says with what); each capture hot-plugs a
 * virtual device on a kernel interface ({@code net_af_packet}, or {@code net_af_xdp} with
 * {@code -i af_xdp:IF}), or reads a port the user's raw EAL arguments made (a NIC).
 */
package dev.cellscope.live.dpdk;
