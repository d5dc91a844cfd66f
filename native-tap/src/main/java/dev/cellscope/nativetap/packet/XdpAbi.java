package dev.cellscope.nativetap.packet;

/**
 * The AF_XDP part of the Linux x86-64 ABI, transcribed from {@code linux/if_xdp.h} (Debian 12's
 * header; the multi-buffer flags {@code XDP_USE_SG} and {@code XDP_PKT_CONTD} came with kernel 6.6,
 * after those headers) and {@code bits/socket.h}. No test compiles them against the header (there is
 * no XdpAbiTest yet); {@code XdpCaptureVethTest} (RX, fill) and {@code XdpTransmitterVethTest} (TX, completion) exercise every layout here on a real socket.
 */
final class XdpAbi {
    private XdpAbi() {
    }

    // bits/socket.h
    static final int AF_XDP = 44;
    static final int SOL_XDP = 283;

    // linux/if_xdp.h: socket options
    static final int XDP_MMAP_OFFSETS = 1;
    static final int XDP_RX_RING = 2;
    static final int XDP_TX_RING = 3;
    static final int XDP_UMEM_REG = 4;
    static final int XDP_UMEM_FILL_RING = 5;
    static final int XDP_UMEM_COMPLETION_RING = 6;
    static final int XDP_STATISTICS = 7;
    static final int XDP_OPTIONS = 8;

    // sockaddr_xdp.sxdp_flags
    static final int XDP_COPY = 1 << 1;
    static final int XDP_ZEROCOPY = 1 << 2;
    static final int XDP_USE_NEED_WAKEUP = 1 << 3;
    /** Kernel 6.6+: a frame longer than a chunk comes as several descriptors (multi-buffer). */
    static final int XDP_USE_SG = 1 << 4;

    /** xdp_ring_offset flags word: the kernel wants a syscall to look at the fill ring again. */
    static final int XDP_RING_NEED_WAKEUP = 1;
    /** xdp_options.flags: the socket runs in zero-copy mode. */
    static final int XDP_OPTIONS_ZEROCOPY = 1;
    /** xdp_desc.options: more descriptors of the same frame follow (multi-buffer). */
    static final int XDP_PKT_CONTD = 1;

    // mmap page offsets of the rings
    static final long XDP_PGOFF_RX_RING = 0;
    static final long XDP_PGOFF_TX_RING = 0x80000000L;
    static final long XDP_UMEM_PGOFF_FILL_RING = 0x100000000L;
    static final long XDP_UMEM_PGOFF_COMPLETION_RING = 0x180000000L;

    /** struct sockaddr_xdp: u16 family, u16 flags, u32 ifindex, u32 queue_id, u32 shared_umem_fd. */
    static final long SOCKADDR_XDP_SIZE = 16;
    static final long SXDP_FAMILY = 0, SXDP_FLAGS = 2, SXDP_IFINDEX = 4, SXDP_QUEUE_ID = 8, SXDP_SHARED_UMEM_FD = 12;

    /** struct xdp_umem_reg: u64 addr, u64 len, u32 chunk_size, u32 headroom, u32 flags (+ 4 padding; 6.8+ adds tx_metadata_len there). */
    static final long UMEM_REG_SIZE = 32;
    static final long UMEM_REG_ADDR = 0, UMEM_REG_LEN = 8, UMEM_REG_CHUNK_SIZE = 16, UMEM_REG_HEADROOM = 20, UMEM_REG_FLAGS = 24;

    /** struct xdp_ring_offset: u64 producer, consumer, desc, flags; struct xdp_mmap_offsets: rx, tx, fr, cr. */
    static final long RING_OFFSET_SIZE = 32;
    static final long RING_PRODUCER = 0, RING_CONSUMER = 8, RING_DESC = 16, RING_FLAGS = 24;
    static final long MMAP_OFFSETS_SIZE = 4 * RING_OFFSET_SIZE;
    static final long OFF_RX = 0, OFF_TX = RING_OFFSET_SIZE, OFF_FR = 2 * RING_OFFSET_SIZE, OFF_CR = 3 * RING_OFFSET_SIZE;

    /** struct xdp_desc: u64 addr, u32 len, u32 options. */
    static final long DESC_SIZE = 16;
    static final long DESC_ADDR = 0, DESC_LEN = 8, DESC_OPTIONS = 12;

    /** struct xdp_statistics: six u64 counters in this order. */
    static final long STATISTICS_SIZE = 48;
    static final long ST_RX_DROPPED = 0, ST_RX_INVALID_DESCS = 8, ST_TX_INVALID_DESCS = 16, ST_RX_RING_FULL = 24,
            ST_RX_FILL_RING_EMPTY_DESCS = 32, ST_TX_RING_EMPTY_DESCS = 40;

    /** libxdp's enum xdp_attach_mode. */
    static final int XDP_MODE_UNSPEC = 0, XDP_MODE_NATIVE = 1, XDP_MODE_SKB = 2;
}
