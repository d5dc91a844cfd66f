package dev.cellscope.nativetap.packet;

/**
 * What a {@link TpacketV3Ring} has seen since it was opened. The kernel's counters
 * ({@code PACKET_STATISTICS}, {@code struct tpacket_stats_v3}) are reset by every read, so the
 * ring adds each read to its own totals; these are the totals.
 *
 * @param packets      frames that passed the filter: put into the ring plus dropped (the kernel's tp_packets)
 * @param drops        frames that passed the filter but found no free block: every block was held
 *                     by the consumer (tp_drops; tcpdump's "dropped by kernel")
 * @param freezes      times the ring filled up and the kernel stopped filling until a block came back (tp_freeze_q_cnt)
 * @param blocks       blocks handed to the consumer
 * @param frames       frames in those blocks
 */
public record RingStats(long packets, long drops, long freezes, long blocks, long frames) {
    /** Frames the kernel put into the ring: {@code packets - drops}. */
    public long received() {
        return packets - drops;
    }
}
