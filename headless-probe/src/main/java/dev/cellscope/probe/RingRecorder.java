package dev.cellscope.probe;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.io.InterfaceDescription;
import dev.cellscope.io.Packet;
import dev.cellscope.io.SectionInfo;
import dev.cellscope.live.ring.CaptureCounters;
import dev.cellscope.live.ring.RingConfig;
import dev.cellscope.live.ring.RingStats;
import dev.cellscope.live.ring.RingWriter;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.session.SessionResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code --ring DIR}: every captured frame into pcapng ring files ({@link RingWriter}), as one of
 * the probe's frame consumers. It begins after the probe has dropped privileges (so the files
 * belong to the {@code -Z} user) and after the source opened (so the files declare the interface as
 * it was opened). Each file's closing statistics block carries the source's counters at that
 * moment (the last one the final counters: see {@link #end}). The writer never throws into the capture: a full disk is counted
 * ({@link RingStats#packetsDroppedDisk()}) and analysis goes on.
 */
public final class RingRecorder implements FrameConsumer, RingStatsSupplier {
    private final RingConfig config;
    private final Supplier<List<InterfaceDescription>> interfaces;
    private final CaptureCounters.Source counters;
    private final String user;
    private volatile RingWriter writer;

    /**
     * @param interfaces what the files declare, asked once the source is open
     * @param counters   the source's counters since capture start, per interface (any thread)
     * @param user       the user the probe runs as by then ({@code -Z}), for messages; null: not switched
     */
    public RingRecorder(RingConfig config, Supplier<List<InterfaceDescription>> interfaces, CaptureCounters.Source counters,
                        String user) {
        this.config = config;
        this.interfaces = interfaces;
        this.counters = counters;
        this.user = user;
    }

    @Override
    public void begin() {
        checkWritable(config.directory());
        RingWriter w = RingWriter.open(config, SectionInfo.thisHost(), interfaces.get(), counters);
        if (w.currentFile().isEmpty()) {
            String why = w.stats().lastError();
            w.close();
            throw new ProbeException("--ring " + config.directory() + ": cannot write" + (why == null ? "" : ": " + why));
        }
        writer = w;
    }

    /**
     * A ring that cannot even start is a mistake at the command line (a read-only or impossible
     * directory), said in one line before anything is written; later failures (a full disk) are
     * the writer's, counted while capture goes on.
     */
    private void checkWritable(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".cellscope-ring-", ".check"));
        } catch (IOException e) {
            throw new ProbeException("--ring " + dir + ": cannot write" + (user == null ? "" : " (as user " + user + ")") + ": "
                    + ProbeException.reason(e));
        }
    }

    @Override
    public FieldSink sink() {
        return FieldSink.discard();
    }

    @Override
    public void frame(Packet packet, FrameTiming timing) {
        writer.write(packet);
    }

    /**
     * Not closed here: the session ends its consumers before it closes the source, and the last
     * file's statistics block must carry the source's final counters. {@link Probe} closes the ring
     * once the session returned.
     */
    @Override
    public void end(SessionResult result) {}

    /** SIGHUP: the current file is finished (with its statistics) and the next one starts. */
    public void reopen() {
        RingWriter w = writer;
        if (w != null) w.reopen();
    }

    /** Finishes the current file; idempotent. */
    public void close() {
        RingWriter w = writer;
        if (w != null) w.close();
    }

    @Override
    public RingStats ringStats() {
        RingWriter w = writer;
        return w == null ? RingStats.NONE : w.stats();
    }
}
