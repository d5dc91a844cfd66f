package dev.cellscope.nativetap.packet;

/**
 * {@code PACKET_FANOUT}: rings (of one process or several) bound to the same interface with the
 * same group id and the same mode share its frames: each frame goes to exactly one of them.
 * Spreads one mirror port over several threads.
 *
 * @param groupId  0..65535; every member must use the same id and mode (the first one sets them)
 * @param mode     how a frame picks its member
 * @param defrag   {@code PACKET_FANOUT_FLAG_DEFRAG}: reassemble IP fragments first, so all of a
 *                 datagram goes to the member its flow hashes to
 * @param rollover {@code PACKET_FANOUT_FLAG_ROLLOVER}: when the chosen member's ring is full, try the next
 */
public record Fanout(int groupId, Mode mode, boolean defrag, boolean rollover) {
    public Fanout {
        if (groupId < 0 || groupId > 0xFFFF) throw new IllegalArgumentException("fanout group id must be 0..65535, not " + groupId);
        if (mode == null) throw new IllegalArgumentException("fanout mode missing");
    }

    /** {@code PACKET_FANOUT_HASH} with DEFRAG: a flow (both directions) always lands on one member. */
    public static Fanout hash(int groupId) {
        return new Fanout(groupId, Mode.HASH, true, false);
    }

    /** The member chooser ({@code PACKET_FANOUT_*} in linux/if_packet.h). */
    public enum Mode {
        /** by the flow hash of the frame (addresses and ports): keeps a flow on one member */
        HASH(0),
        /** round robin */
        LOAD_BALANCE(1),
        /** by the CPU the frame arrived on */
        CPU(2),
        /** fill one member until its ring is full, then the next */
        ROLLOVER(3),
        /** random */
        RANDOM(4),
        /** by the NIC's receive queue */
        QUEUE_MAPPING(5);

        final int value;

        Mode(int value) {
            this.value = value;
        }
    }

    /** The int PACKET_FANOUT takes: group id in the low 16 bits, mode and flags in the high 16. */
    int socketOptionValue() {
        int typeFlags = mode.value | (defrag ? LinuxAbi.PACKET_FANOUT_FLAG_DEFRAG : 0)
                | (rollover ? LinuxAbi.PACKET_FANOUT_FLAG_ROLLOVER : 0);
        return groupId | typeFlags << 16;
    }
}
