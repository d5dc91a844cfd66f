package dev.cellscope.live;

import dev.cellscope.io.CaptureError;
import dev.cellscope.io.InterfaceInfo;
import dev.cellscope.io.Packet;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What every backend's source shares: one interface, described once as the capture's only pcapng
 * interface, and a {@link FrameQueue} between the backend's capture thread(s), which put whole
 * batches, and the reader's {@link #next()}. A backend adds how it captures, stops and counts.
 */
public abstract class QueuedLiveSource implements LiveSource {
    protected final String ifname;
    /** Bytes kept of each frame. */
    protected final int snaplen;
    /** Timestamps in nanoseconds; else microseconds (a backend truncates finer clocks to them). */
    protected final boolean nanos;
    protected final List<InterfaceInfo> interfaces;
    protected final FrameQueue queue;
    /** Why the capture ended early, in one line (set by a capture thread; null while all is well). */
    protected volatile String failure;

    /** For the interface, snaplen and timestamp precision {@code options} name, with frames of {@code linkType}. */
    protected QueuedLiveSource(LiveOptions options, int linkType) {
        this(options.interfaceName(), linkType, options.snaplen(), options.precision() == LiveOptions.TimestampPrecision.NANO);
    }

    /** For interface {@code ifname} of {@code linkType}, {@code snaplen} bytes kept, ns or µs timestamps. */
    protected QueuedLiveSource(String ifname, int linkType, int snaplen, boolean nanos) {
        this.ifname = ifname;
        this.snaplen = snaplen;
        this.nanos = nanos;
        this.interfaces = List.of(new InterfaceInfo(0, linkType, snaplen, ifname, nanos ? 1_000_000_000L : 1_000_000L));
        this.queue = new FrameQueue(FrameQueue.DEFAULT_BATCHES, linkType);
    }

    @Override
    public Packet next() {
        return queue.next();
    }

    @Override
    public String name() {
        return ifname;
    }

    @Override
    public List<InterfaceInfo> interfaces() {
        return interfaces;
    }

    @Override
    public Optional<CaptureError> error() {
        String f = failure;
        return f == null ? Optional.empty() : Optional.of(new CaptureError(queue.bytesRead(), f));
    }

    @Override
    public long bytesRead() {
        return queue.bytesRead();
    }

    @Override
    public OptionalLong totalBytes() {
        return OptionalLong.empty();
    }
}
