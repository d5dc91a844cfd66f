package dev.cellscope.cli;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.filter.DisplayFilter;
import dev.cellscope.filter.FilterSink;
import dev.cellscope.io.Packet;
import dev.cellscope.replay.FrameRewriter;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SessionResult;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * {@code replay -w OUT.pcapng}: the frames a replay would send (those {@code -Y} selects, rewritten by
 * {@code --map}) written to a pcapng file with their times, interfaces and comments, as {@code read -w}
 * writes (through the same {@link CaptureCopy}).
 */
final class RewrittenCopy {
    private final Path file, out;
    private final DisplayFilter filter;
    private final FrameRewriter rewriter;

    RewrittenCopy(Path file, Path out, DisplayFilter filter, FrameRewriter rewriter) {
        this.file = file;
        this.out = out;
        this.filter = filter;
        this.rewriter = rewriter;
    }

    void write(SessionOptions options) {
        CaptureSession session = Sessions.of(file, options);
        FilterSink filterSink = filter == null ? null : filter.newSink();
        OutputFile copyFile = OutputFile.of(out, "-w", file);
        SessionResult result;
        try (CaptureCopy copy = new CaptureCopy(copyFile, session::interfaces)) {
            result = Sessions.run(session, new FrameConsumer() {
                @Override
                public void begin() {
                    copy.open();
                }

                @Override
                public FieldSink sink() {
                    if (filterSink == null) return FieldSink.discard();
                    filterSink.reset();
                    return filterSink;
                }

                @Override
                public void frame(Packet p, FrameTiming timing) {
                    if (filter != null && !filter.matches(filterSink)) return;
                    if (rewriter == null || p.linkType() != Packet.LINKTYPE_ETHERNET) {
                        copy.write(p);
                        return;
                    }
                    byte[] b = rewriter.rewrite(p.number(), p.data().toArray(ValueLayout.JAVA_BYTE));
                    copy.write(new Packet(p.number(), p.timestampNanos(), p.interfaceId(), p.linkType(), p.originalLength(),
                            MemorySegment.ofArray(b), p.comment()));
                }
            });
            copy.commit();
        }
        Sessions.failIfDamaged(file, result, "", "frames were written before it");
    }
}
