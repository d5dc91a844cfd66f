package dev.cellscope.nativetap.dpdk;

/**
 * The structure offsets of DPDK 22.11 (ABI 23) that this package reads, from the installed headers
 * ({@code dpdk-dev}: {@code rte_ethdev_core.h}, {@code rte_mbuf_core.h}, {@code rte_ethdev.h},
 * {@code rte_build_config.h}) on x86-64. {@code DpdkAbiTest} compiles a C program against those
 * headers and compares every value here with {@code offsetof}/{@code sizeof}, so a different DPDK
 * cannot go unnoticed.
 */
final class DpdkAbi {
    private DpdkAbi() {}

    /** {@code RTE_MAX_ETHPORTS} in Debian's build: the length of {@code rte_eth_fp_ops[]}. */
    static final int MAX_ETHPORTS = 32;

    // struct rte_eth_fp_ops (rte_ethdev_core.h), cache aligned
    static final long FP_OPS_SIZE = 128;
    /** {@code eth_rx_burst_t rx_pkt_burst}. */
    static final long FP_RX_PKT_BURST = 0;
    /** {@code struct rte_ethdev_qdata rxq}: {@code void **data}, then {@code void **clbk}. */
    static final long FP_RXQ_DATA = 24;
    static final long FP_RXQ_CLBK = 32;

    // struct rte_mbuf (rte_mbuf_core.h)
    static final long MBUF_BUF_ADDR = 0;
    static final long MBUF_DATA_OFF = 16; // uint16_t
    static final long MBUF_NB_SEGS = 20; // uint16_t
    static final long MBUF_PKT_LEN = 36; // uint32_t: the whole packet, all segments
    static final long MBUF_DATA_LEN = 40; // uint16_t: this segment
    static final long MBUF_NEXT = 64; // struct rte_mbuf *, second cache line
    static final long MBUF_SIZE = 128;

    // struct rte_eth_stats (rte_ethdev.h)
    static final long STATS_IPACKETS = 0;
    static final long STATS_IBYTES = 16;
    static final long STATS_IMISSED = 32;
    static final long STATS_IERRORS = 40;
    static final long STATS_RX_NOMBUF = 56;
    static final long STATS_SIZE = 704;

    /** {@code sizeof(struct rte_eth_conf)}: we pass a zeroed one (no offloads, no RSS: the PMD's defaults). */
    static final long ETH_CONF_SIZE = 2272;
    /** {@code RTE_MEMPOOL_F_NO_IOVA_CONTIG}: objects may cross page boundaries (the pool is then packed). */
    static final int MEMPOOL_F_NO_IOVA_CONTIG = 0x0020;
    /** {@code sizeof(struct rte_pktmbuf_pool_private)}: {@code uint16_t mbuf_data_room_size, mbuf_priv_size; uint32_t flags}. */
    static final long PKTMBUF_POOL_PRIVATE_SIZE = 8;
    /** {@code RTE_PKTMBUF_HEADROOM}. */
    static final int PKTMBUF_HEADROOM = 128;
    /** {@code RTE_MBUF_DEFAULT_BUF_SIZE}: 2048 bytes of data after the headroom. */
    static final int MBUF_DEFAULT_BUF_SIZE = 2048 + PKTMBUF_HEADROOM;
}
