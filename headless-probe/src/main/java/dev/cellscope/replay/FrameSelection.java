package dev.cellscope.replay;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.TeeSink;
import dev.cellscope.filter.DisplayFilter;
import dev.cellscope.filter.FilterSink;
import dev.cellscope.io.Packet;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionResult;
import dev.cellscope.session.SourceException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Supplier;

/**
 * The frames a replay sends: one pass of a capture session (the same loop, dissector and display
 * filter as {@code read -Y}), each selected Ethernet frame copied into {@link FrameChunk}s handed
 * on as they fill. Frames of other link types cannot go out of an Ethernet interface and are
 * counted instead. With {@link #cellBytesOnly()} (a UDP socket's replay) only each frame's
 * cell-protocol bytes are kept ({@link CellBytes}, cut after the rewrite, so a mapped CellID is in
 * them); frames without UTCP or Tether are counted.
 */
public final class FrameSelection {
    private final Supplier<CaptureSession> sessions;
    private final DisplayFilter filter;
    private final FrameRewriter rewriter;
    private volatile CaptureSession running;
    private volatile boolean cancelled;
    private boolean cellBytesOnly;
    private long notEthernet, notCell;

    /** Where full chunks go; may block (a bounded queue), which holds the session back. */
    public interface ChunkSink {
        void accept(FrameChunk chunk) throws InterruptedException;
    }

    /**
     * @param sessions a new session over the capture for each pass (a loop without preload reads it again)
     * @param filter   the display filter selecting frames, or null for all
     */
    public FrameSelection(Supplier<CaptureSession> sessions, DisplayFilter filter) {
        this(sessions, filter, null);
    }

    /** As above, each selected frame rewritten by {@code rewriter} (an address map) before it is kept. */
    public FrameSelection(Supplier<CaptureSession> sessions, DisplayFilter filter, FrameRewriter rewriter) {
        this.sessions = sessions;
        this.filter = filter;
        this.rewriter = rewriter;
    }

    /**
     * Keeps only the UTCP or Tether bytes of each selected frame (the UDP payload, or what follows the
     * EtherType without the Ethernet padding), for sending through a UDP socket; returns this.
     */
    public FrameSelection cellBytesOnly() {
        cellBytesOnly = true;
        return this;
    }

    /** With {@link #cellBytesOnly()}: frames of the last pass that were selected but carry no UTCP or Tether. */
    public long notCell() {
        return notCell;
    }

    /** Frames of the last pass that were selected but are not Ethernet (link type other than 1). */
    public long notEthernet() {
        return notEthernet;
    }

    /** Ends a running pass early (from another thread): the session stops after its current frame. */
    public void cancel() {
        cancelled = true;
        CaptureSession s = running;
        if (s != null) s.cancel();
    }

    /**
     * Reads the capture once, handing each filled chunk to {@code sink} (the last one possibly part-full).
     *
     * @throws SourceException when the capture cannot be opened
     */
    public SessionResult pass(ChunkSink sink) throws SourceException, InterruptedException {
        CaptureSession session = sessions.get();
        running = session;
        if (cancelled) session.cancel();
        FilterSink filterSink = filter == null ? null : filter.newSink();
        Selector selector = new Selector(sink, filterSink);
        notEthernet = notCell = 0;
        SessionResult result;
        try {
            result = session.run(selector);
            if (selector.interrupted != null) throw selector.interrupted;
            if (selector.current != null && selector.current.size() > 0) sink.accept(selector.current);
            else if (selector.current != null) selector.current.close();
            selector.current = null;
        } finally {
            if (selector.current != null) selector.current.close();
            running = null;
        }
        return result;
    }

    private final class Selector implements FrameConsumer {
        private final ChunkSink sink;
        private final FilterSink filterSink;
        private final CellBytes cell = cellBytesOnly ? new CellBytes() : null;
        FrameChunk current;
        InterruptedException interrupted;

        Selector(ChunkSink sink, FilterSink filterSink) {
            this.sink = sink;
            this.filterSink = filterSink;
        }

        @Override
        public FieldSink sink() {
            if (filterSink != null) filterSink.reset();
            if (cell != null) cell.reset();
            if (cell == null) return filterSink == null ? FieldSink.discard() : filterSink;
            return filterSink == null ? cell : new TeeSink(filterSink, cell);
        }

        @Override
        public void frame(Packet p, FrameTiming timing) {
            if (interrupted != null || cancelled) return;
            if (filterSink != null && !filter.matches(filterSink)) return;
            // The wire needs an Ethernet header, and the address map rewrites one; over UDP only the cell bytes go,
            // whatever carried them (a Linux cooked or raw-IP capture too).
            if (p.linkType() != Packet.LINKTYPE_ETHERNET && (cell == null || rewriter != null)) {
                notEthernet++;
                return;
            }
            if (cell != null && cell.count() == 0) {
                notCell++;
                return;
            }
            MemorySegment data = rewriter == null ? p.data()
                    : MemorySegment.ofArray(rewriter.rewrite(p.number(), p.data().toArray(ValueLayout.JAVA_BYTE)));
            // the rewrite keeps every field where it was (same-size values), so the bounds found before it hold
            if (cell == null) {
                add(p.timestampNanos(), data);
                return;
            }
            // A GSO train's datagrams go out one by one at the frame's time, as the sender's kernel sent them.
            for (int i = 0; i < cell.count() && interrupted == null; i++) {
                add(p.timestampNanos(), data.asSlice(cell.offset(i), cell.length(i, data.byteSize())));
            }
        }

        private void add(long timestampNanos, MemorySegment data) {
            if (current == null) current = new FrameChunk(data.byteSize());
            if (current.add(timestampNanos, data)) return;
            try {
                sink.accept(current);
            } catch (InterruptedException e) {
                interrupted = e;
                current.close();
                current = null;
                running.cancel();
                return;
            }
            current = new FrameChunk(data.byteSize());
            current.add(timestampNanos, data);
        }
    }
}
