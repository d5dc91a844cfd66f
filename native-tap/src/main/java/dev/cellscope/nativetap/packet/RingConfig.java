package dev.cellscope.nativetap.packet;

/**
 * How to open a {@link TpacketV3Ring}. Start from {@link #of(String)} and change what you need
 * with the {@code with…} methods; {@link #validate} (called by {@code open}) checks the kernel's
 * rules before any memory is asked for.
 *
 * @param interfaceName       the interface to capture on
 * @param blockSize           bytes per block: a power of two, at least one page; a frame longer
 *                            than a block (less 48 + 82 bytes of headers) is cut to fit
 * @param blockCount          blocks in the ring (ring memory = blockSize × blockCount, locked in the kernel)
 * @param frameSize           tp_frame_size: TPACKET_V3 packs frames of any length into a block,
 *                            so the kernel only checks it (multiple of 16, ≥ 80, ≤ blockSize)
 * @param retireTimeoutMillis a block that is not full is handed over after this long (tp_retire_blk_tov);
 *                            0 lets the kernel choose from the link speed
 * @param snaplen             bytes kept of each frame (1..262144, tcpdump's {@code -s}); with a
 *                            re-inserted VLAN tag the frame is cut to snaplen again, as libpcap does
 * @param promiscuous         {@code PACKET_MR_PROMISC} while the ring is open (undone by the kernel at close)
 * @param filter              a tcpdump filter expression, or null/blank for none
 * @param fanout              join this fanout group, or null
 * @param ignoreOutgoing      {@code PACKET_IGNORE_OUTGOING}: skip frames this host sends on the interface
 * @param reinsertVlan        put a VLAN tag the kernel removed back into the frame (as libpcap does);
 *                            false: leave the frame untagged and report the tag beside it only
 */
public record RingConfig(String interfaceName, int blockSize, int blockCount, int frameSize, int retireTimeoutMillis,
                         int snaplen, boolean promiscuous, String filter, Fanout fanout, boolean ignoreOutgoing,
                         boolean reinsertVlan) {
    /** tcpdump's default snapshot length. */
    public static final int MAX_SNAPLEN = 262_144;
    public static final int DEFAULT_BLOCK_SIZE = 1 << 20;
    public static final int DEFAULT_BLOCK_COUNT = 64;
    public static final int DEFAULT_FRAME_SIZE = 2048;
    public static final int DEFAULT_RETIRE_TIMEOUT_MILLIS = 10;

    /** 64 blocks of 1 MiB (64 MiB), 10 ms block timeout, whole frames, promiscuous, no filter, VLAN tags re-inserted. */
    public static RingConfig of(String interfaceName) {
        return new RingConfig(interfaceName, DEFAULT_BLOCK_SIZE, DEFAULT_BLOCK_COUNT, DEFAULT_FRAME_SIZE,
                DEFAULT_RETIRE_TIMEOUT_MILLIS, MAX_SNAPLEN, true, null, null, false, true);
    }

    public RingConfig withBlocks(int blockSize, int blockCount) {
        return new RingConfig(interfaceName, blockSize, blockCount, frameSize, retireTimeoutMillis, snaplen, promiscuous, filter,
                fanout, ignoreOutgoing, reinsertVlan);
    }

    public RingConfig withFrameSize(int frameSize) {
        return new RingConfig(interfaceName, blockSize, blockCount, frameSize, retireTimeoutMillis, snaplen, promiscuous, filter,
                fanout, ignoreOutgoing, reinsertVlan);
    }

    public RingConfig withRetireTimeoutMillis(int millis) {
        return new RingConfig(interfaceName, blockSize, blockCount, frameSize, millis, snaplen, promiscuous, filter, fanout,
                ignoreOutgoing, reinsertVlan);
    }

    public RingConfig withSnaplen(int snaplen) {
        return new RingConfig(interfaceName, blockSize, blockCount, frameSize, retireTimeoutMillis, snaplen, promiscuous, filter,
                fanout, ignoreOutgoing, reinsertVlan);
    }

    public RingConfig withPromiscuous(boolean promiscuous) {
        return new RingConfig(interfaceName, blockSize, blockCount, frameSize, retireTimeoutMillis, snaplen, promiscuous, filter,
                fanout, ignoreOutgoing, reinsertVlan);
    }

    public RingConfig withFilter(String filter) {
        return new RingConfig(interfaceName, blockSize, blockCount, frameSize, retireTimeoutMillis, snaplen, promiscuous, filter,
                fanout, ignoreOutgoing, reinsertVlan);
    }

    public RingConfig withFanout(Fanout fanout) {
        return new RingConfig(interfaceName, blockSize, blockCount, frameSize, retireTimeoutMillis, snaplen, promiscuous, filter,
                fanout, ignoreOutgoing, reinsertVlan);
    }

    public RingConfig withIgnoreOutgoing(boolean ignoreOutgoing) {
        return new RingConfig(interfaceName, blockSize, blockCount, frameSize, retireTimeoutMillis, snaplen, promiscuous, filter,
                fanout, ignoreOutgoing, reinsertVlan);
    }

    public RingConfig withReinsertVlan(boolean reinsertVlan) {
        return new RingConfig(interfaceName, blockSize, blockCount, frameSize, retireTimeoutMillis, snaplen, promiscuous, filter,
                fanout, ignoreOutgoing, reinsertVlan);
    }

    /** Ring memory in bytes. */
    public long ringBytes() {
        return (long) blockSize * blockCount;
    }

    /**
     * Checks the kernel's rules for PACKET_RX_RING (net/packet/af_packet.c, packet_set_ring) and
     * ours, so a bad size is reported in words instead of as the kernel's EINVAL.
     *
     * @throws IllegalArgumentException naming the value, the rule and the option to change
     */
    public void validate(int pageSize) {
        if (interfaceName == null || interfaceName.isEmpty() || interfaceName.length() >= LinuxAbi.IFNAMSIZ || interfaceName.contains("/")) {
            throw new IllegalArgumentException("not an interface name (1 to 15 characters): '" + interfaceName + "'");
        }
        // the kernel wants a multiple of the page size; it allocates 2^n pages per block, so
        // anything but a power of two wastes the rest: we ask for one
        if (blockSize < pageSize || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("ring block size " + blockSize + " must be a power of two and at least the page size ("
                    + pageSize + "), e.g. " + DEFAULT_BLOCK_SIZE + ": change --ring-block-size");
        }
        if (blockCount < 1) {
            throw new IllegalArgumentException("ring block count must be at least 1, not " + blockCount + ": change --ring-blocks");
        }
        int minFrame = LinuxAbi.TPACKET3_HDRLEN + TpacketV3Ring.RESERVE;
        if (frameSize % LinuxAbi.TPACKET_ALIGNMENT != 0 || frameSize < minFrame || frameSize > blockSize) {
            throw new IllegalArgumentException("ring frame size " + frameSize + " must be a multiple of " + LinuxAbi.TPACKET_ALIGNMENT
                    + " between " + roundUp(minFrame, LinuxAbi.TPACKET_ALIGNMENT) + " and the block size " + blockSize);
        }
        // tp_frame_nr is an unsigned int
        if ((long) (blockSize / frameSize) * blockCount > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("ring of " + blockCount + " blocks of " + blockSize + " bytes has more than 2^32 frames of "
                    + frameSize + " bytes: lower --ring-blocks/--ring-block-size");
        }
        if (retireTimeoutMillis < 0) {
            throw new IllegalArgumentException("block retire timeout must be >= 0 ms (0: the kernel's choice), not " + retireTimeoutMillis);
        }
        if (snaplen < 1 || snaplen > MAX_SNAPLEN) {
            throw new IllegalArgumentException("snaplen must be 1.." + MAX_SNAPLEN + ", not " + snaplen);
        }
    }

    private static int roundUp(int v, int to) {
        return (v + to - 1) / to * to;
    }
}
