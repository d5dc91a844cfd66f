package dev.cellscope.nativetap.dpdk;

/**
 * A port's counters from {@code rte_eth_stats_get}, counted since the port was opened.
 *
 * @param packets  frames the port delivered to bursts ({@code ipackets})
 * @param bytes    their bytes ({@code ibytes})
 * @param missed   frames lost because the receive ring was full ({@code imissed}: the NIC's descriptors, or the
 *                 kernel ring's {@code tp_drops} for {@code net_af_packet})
 * @param errors   erroneous frames the port dropped ({@code ierrors})
 * @param noMbuf   times a frame could not be taken because the mbuf pool was empty ({@code rx_nombuf})
 */
public record DpdkStats(long packets, long bytes, long missed, long errors, long noMbuf) {
    public static final DpdkStats ZERO = new DpdkStats(0, 0, 0, 0, 0);
}
