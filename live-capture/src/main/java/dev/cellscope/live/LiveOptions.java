package dev.cellscope.live;

import java.util.Objects;

/**
 * How to open a live interface. Every backend reads the common part; the ring and fanout knobs
 * are for the backends that have a memory-mapped ring (AF_PACKET, later AF_XDP) and are ignored
 * by the others (libpcap sizes its own ring from {@link #bufferBytes}).
 *
 * @param interfaceName       the interface to capture on (as {@code ip link} names it)
 * @param snaplen             bytes kept of each frame, 1..{@value #MAX_SNAPLEN} (tshark's {@code -s}; 0 there means the maximum)
 * @param promiscuous         put the interface in promiscuous mode (a mirror port needs it: its frames are for other hosts)
 * @param bufferBytes         the kernel capture buffer (tshark's {@code -B}, in bytes here); 0: the backend's default
 * @param filter              BPF capture filter in libpcap syntax ({@code ether proto 0x88b5 or udp port 34997}), or null for all frames
 * @param precision           timestamp precision asked of the kernel; a backend that cannot give nanoseconds falls back to micro
 * @param bufferTimeoutMillis how long the kernel may hold a partly filled buffer before handing it over (latency against wake-ups)
 * @param ring                memory-mapped ring geometry (AF_PACKET TPACKET_V3, AF_XDP); {@link Ring#DEFAULT}: the backend chooses
 * @param fanout              spread the interface over several sockets/threads ({@code PACKET_FANOUT}); {@link Fanout#NONE}: one
 * @param queues              receive queues read, from queue 0, a socket and thread each (xdp); 0: all the interface has
 * @param busyPoll            poll the device from the capture thread rather than wait (xdp: SO_PREFER_BUSY_POLL; dpdk: no back-off)
 */
public record LiveOptions(String interfaceName, int snaplen, boolean promiscuous, long bufferBytes, String filter,
                          TimestampPrecision precision, int bufferTimeoutMillis, Ring ring, Fanout fanout, int queues, boolean busyPoll) {

    /** libpcap's and tshark's largest snapshot length (MAXIMUM_SNAPLEN). */
    public static final int MAX_SNAPLEN = 262_144;
    /** tshark's default capture buffer: 2 MiB. */
    public static final long DEFAULT_BUFFER_BYTES = 2L << 20;
    /** Short enough that a quiet interface still shows its frames within a tenth of a second. */
    public static final int DEFAULT_BUFFER_TIMEOUT_MILLIS = 100;
    /** At most this many receive queues (a capture thread each). */
    public static final int MAX_QUEUES = 256;

    public enum TimestampPrecision { NANO, MICRO }

    /**
     * Ring geometry: block size in bytes and number of blocks (0: the backend's default, derived
     * from {@link #bufferBytes} where it can).
     */
    public record Ring(int blockBytes, int blocks) {
        public static final Ring DEFAULT = new Ring(0, 0);

        public Ring {
            if (blockBytes < 0 || blocks < 0) throw new IllegalArgumentException("ring block size and count must not be negative");
        }
    }

    /**
     * {@code PACKET_FANOUT}: {@code threads} sockets in fanout group {@code group}, frames spread by
     * {@code mode} ({@code hash}: by flow, {@code lb}: round robin, {@code cpu}...). One thread: no fanout.
     */
    public record Fanout(int group, String mode, int threads) {
        public static final Fanout NONE = new Fanout(0, "hash", 1);

        public Fanout {
            Objects.requireNonNull(mode, "mode");
            if (threads < 1) throw new IllegalArgumentException("fanout needs at least one thread");
            if (group < 0 || group > 0xffff) throw new IllegalArgumentException("fanout group must be 0..65535");
        }
    }

    public LiveOptions {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(fanout, "fanout");
        if (interfaceName.isBlank()) throw new IllegalArgumentException("no interface named");
        if (snaplen < 1 || snaplen > MAX_SNAPLEN) throw new IllegalArgumentException("snaplen must be 1.." + MAX_SNAPLEN + ", not " + snaplen);
        if (bufferBytes < 0 || bufferBytes > Integer.MAX_VALUE) throw new IllegalArgumentException("capture buffer must be 0..2047 MiB");
        if (bufferTimeoutMillis < 1) throw new IllegalArgumentException("buffer timeout must be at least 1 ms");
        if (queues < 0 || queues > MAX_QUEUES) throw new IllegalArgumentException("queues must be 0.." + MAX_QUEUES + ", not " + queues);
        if (filter != null && filter.isBlank()) filter = null;
    }

    /** Defaults like tshark's: all of each frame, promiscuous, a 2 MiB buffer, no filter, nanoseconds. */
    public static LiveOptions of(String interfaceName) {
        return new LiveOptions(interfaceName, MAX_SNAPLEN, true, DEFAULT_BUFFER_BYTES, null, TimestampPrecision.NANO,
                DEFAULT_BUFFER_TIMEOUT_MILLIS, Ring.DEFAULT, Fanout.NONE, 0, false);
    }

    public LiveOptions withSnaplen(int n) {
        return new LiveOptions(interfaceName, n, promiscuous, bufferBytes, filter, precision, bufferTimeoutMillis, ring, fanout, queues, busyPoll);
    }

    public LiveOptions withPromiscuous(boolean on) {
        return new LiveOptions(interfaceName, snaplen, on, bufferBytes, filter, precision, bufferTimeoutMillis, ring, fanout, queues, busyPoll);
    }

    public LiveOptions withBufferBytes(long bytes) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bytes, filter, precision, bufferTimeoutMillis, ring, fanout, queues, busyPoll);
    }

    public LiveOptions withFilter(String bpf) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bufferBytes, bpf, precision, bufferTimeoutMillis, ring, fanout, queues, busyPoll);
    }

    public LiveOptions withPrecision(TimestampPrecision p) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bufferBytes, filter, p, bufferTimeoutMillis, ring, fanout, queues, busyPoll);
    }

    public LiveOptions withBufferTimeoutMillis(int millis) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bufferBytes, filter, precision, millis, ring, fanout, queues, busyPoll);
    }

    public LiveOptions withRing(Ring r) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bufferBytes, filter, precision, bufferTimeoutMillis, r, fanout, queues, busyPoll);
    }

    public LiveOptions withFanout(Fanout f) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bufferBytes, filter, precision, bufferTimeoutMillis, ring, f, queues, busyPoll);
    }

    /** {@code n} receive queues (0: all the interface has). */
    public LiveOptions withQueues(int n) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bufferBytes, filter, precision, bufferTimeoutMillis, ring, fanout, n, busyPoll);
    }

    public LiveOptions withBusyPoll(boolean on) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bufferBytes, filter, precision, bufferTimeoutMillis, ring, fanout, queues, on);
    }
}
