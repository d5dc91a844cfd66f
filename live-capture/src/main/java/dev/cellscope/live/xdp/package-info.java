/**
 * The AF_XDP backend ({@code --backend xdp}): native-tap's {@link dev.cellscope.nativetap.packet.XdpCapture}
 * (one AF_XDP socket and UMEM per receive queue, libxdp's redirect program on the interface) behind
 * the live-capture SPI, registered with {@link java.util.ServiceLoader}. A capture filter runs in
 * Java ({@link dev.cellscope.nativetap.packet.BpfFilter} over libpcap's {@code pcap_compile} output),
 * since frames redirected by XDP never pass a socket filter.
 */
package dev.cellscope.live.xdp;
