package dev.cellscope.live.afpacket;

import dev.cellscope.live.LiveOptions;
import dev.cellscope.nativetap.packet.Fanout;
import dev.cellscope.nativetap.packet.RingConfig;

import java.util.Locale;

/**
 * How {@link LiveOptions} become the ring's {@link RingConfig}.
 *
 * <p><b>{@code -B} → ring.</b> The buffer is cut into blocks of {@value #BLOCK_BYTES} bytes
 * (256 KiB), {@code ceil(B / 256 KiB)} of them and at least {@value #MIN_BLOCKS}: {@code -B 2}
 * (the default) is 8 blocks, {@code -B 64} 256 blocks. That is the geometry libpcap itself gives
 * its TPACKET_V3 ring for the same {@code -B} (libpcap sizes each block for one frame of the
 * largest snaplen, 256 KiB), so both backends hold the same amount of traffic for the same option.
 * A block holds about 1,800 frames of 60 bytes, or 27 of 9,000 (jumbo) bytes, so a busy port wakes
 * the reader a few hundred times a second, not once per frame. {@link LiveOptions.Ring} overrides
 * either number. The buffer timeout ({@link LiveOptions#bufferTimeoutMillis}) is the block's retire
 * timeout: a block that is not full is handed over after that long, as libpcap does with its
 * timeout.
 */
final class RingSizing {
    static final int BLOCK_BYTES = 256 << 10;
    static final int MIN_BLOCKS = 4;

    private RingSizing() {}

    /** The ring for {@code o}; IllegalArgumentException with a message naming the option for a geometry the kernel refuses. */
    static RingConfig config(LiveOptions o) {
        long buffer = o.bufferBytes() > 0 ? o.bufferBytes() : LiveOptions.DEFAULT_BUFFER_BYTES;
        int blockBytes = o.ring().blockBytes() > 0 ? o.ring().blockBytes() : BLOCK_BYTES;
        int blocks = o.ring().blocks() > 0 ? o.ring().blocks() : (int) Math.max(MIN_BLOCKS, (buffer + blockBytes - 1) / blockBytes);
        RingConfig c = RingConfig.of(o.interfaceName())
                .withBlocks(blockBytes, blocks)
                .withRetireTimeoutMillis(o.bufferTimeoutMillis())
                .withSnaplen(o.snaplen())
                .withPromiscuous(o.promiscuous())
                .withFilter(o.filter());
        Fanout f = fanout(o.fanout());
        return f == null ? c : c.withFanout(f);
    }

    /** Whether the ring's size came from -B (else from {@link LiveOptions.Ring}): says which option to change. */
    static boolean fromBuffer(LiveOptions o) {
        return o.ring().blockBytes() == 0 && o.ring().blocks() == 0;
    }

    /**
     * {@code PACKET_FANOUT} for {@link LiveOptions.Fanout}: null for {@link LiveOptions.Fanout#NONE}.
     * One source is one member of the group, read by one thread (see the package comment for why);
     * several threads in one source are refused.
     */
    static Fanout fanout(LiveOptions.Fanout f) {
        if (f.equals(LiveOptions.Fanout.NONE)) return null;
        if (f.threads() != 1) {
            throw new IllegalArgumentException("fanout over " + f.threads() + " threads: one afpacket capture is one member of fanout group "
                    + f.group() + ", read in order by one session; open " + f.threads() + " captures (or processes) with group "
                    + f.group() + " and one thread each");
        }
        return switch (f.mode().toLowerCase(Locale.ROOT)) {
            case "hash" -> Fanout.hash(f.group());
            case "lb", "load_balance", "loadbalance" -> new Fanout(f.group(), Fanout.Mode.LOAD_BALANCE, false, false);
            case "cpu" -> new Fanout(f.group(), Fanout.Mode.CPU, false, false);
            case "rollover" -> new Fanout(f.group(), Fanout.Mode.ROLLOVER, false, false);
            case "random" -> new Fanout(f.group(), Fanout.Mode.RANDOM, false, false);
            case "qm", "queue_mapping" -> new Fanout(f.group(), Fanout.Mode.QUEUE_MAPPING, false, false);
            default -> throw new IllegalArgumentException("fanout mode '" + f.mode() + "' is not one of hash, lb, cpu, rollover, random, qm");
        };
    }
}
