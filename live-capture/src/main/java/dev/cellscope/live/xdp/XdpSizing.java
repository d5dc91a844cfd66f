package dev.cellscope.live.xdp;

import dev.cellscope.live.LiveOptions;
import dev.cellscope.nativetap.packet.XdpCapture;

/**
 * The UMEM and rings of each receive queue from the options. An AF_XDP chunk holds one frame
 * (or one part of a jumbo frame) whatever its length, so the ring is counted in frames:
 * {@link LiveOptions.Ring} gives chunk size and count directly; otherwise {@code -B} bytes are
 * divided into 4 KiB chunks (rounded down to a power of two, at least 64). Without {@code -B}
 * (tshark's 2 MiB default) libxdp's default ring of {@value #DEFAULT_FRAMES} frames (8 MiB a queue):
 * AF_XDP's ring is where bursts wait for the capture thread. Queues (0: all) and busy polling
 * as the options say.
 */
final class XdpSizing {
    static final int CHUNK = 4096, DEFAULT_FRAMES = 2048, MIN_FRAMES = 64, MAX_FRAMES = 1 << 20;

    private XdpSizing() {}

    static XdpCapture.Config config(LiveOptions o) {
        int chunk = CHUNK, frames;
        LiveOptions.Ring ring = o.ring();
        if (!ring.equals(LiveOptions.Ring.DEFAULT)) {
            if (ring.blockBytes() != 0) chunk = ring.blockBytes();
            if (chunk != 2048 && chunk != 4096) throw new IllegalArgumentException("an AF_XDP chunk is 2048 or 4096 bytes, not " + chunk
                    + ": change LiveOptions.Ring's block size");
            frames = ring.blocks() != 0 ? ring.blocks() : DEFAULT_FRAMES;
            if (Integer.bitCount(frames) != 1 || frames < MIN_FRAMES || frames > MAX_FRAMES) {
                throw new IllegalArgumentException("an AF_XDP ring of " + frames + " frames: it must be a power of two in "
                        + MIN_FRAMES + ".." + MAX_FRAMES + ": change LiveOptions.Ring's block count");
            }
        } else if (o.bufferBytes() == 0 || o.bufferBytes() == LiveOptions.DEFAULT_BUFFER_BYTES) {
            frames = DEFAULT_FRAMES;
        } else {
            long n = Math.min(MAX_FRAMES, Math.max(MIN_FRAMES, o.bufferBytes() / chunk));
            frames = (int) Long.highestOneBit(n);
        }
        return new XdpCapture.Config(o.interfaceName(), o.queues(), frames, chunk, o.promiscuous(), null, o.busyPoll());
    }
}
