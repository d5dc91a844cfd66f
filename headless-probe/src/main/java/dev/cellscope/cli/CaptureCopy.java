package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.io.InterfaceStatistics;
import dev.cellscope.io.SectionInfo;
import dev.cellscope.live.ring.CaptureCounters;

import dev.cellscope.io.InterfaceInfo;
import dev.cellscope.io.Packet;
import dev.cellscope.io.PcapngWriter;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code -w}: copies frames to a pcapng file, declaring each source interface as it first appears.
 * The file is created by {@link #open()}, once the capture it copies from could be opened; a file's
 * copy goes under a temporary name that {@link #commit()} puts in place (see {@link OutputFile}).
 *
 * <p>A live capture's copy ({@link #live}) is written in place and flushed every
 * {@value #FLUSH_MILLIS} ms from a thread of its own, as the probe's ring files are: after a
 * {@code kill -9} it reads cleanly up to its last whole block, and a failed write (a full disk)
 * leaves it cut back to the last whole block, which {@link #failure} then reports.
 */
final class CaptureCopy implements AutoCloseable {
    /** How often a live copy hands its buffered blocks to the OS: all that a kill -9 can lose. */
    static final long FLUSH_MILLIS = 200;

    private final OutputFile out;
    private final Supplier<List<InterfaceInfo>> interfaces;
    private final Map<Integer, Integer> interfaceMap = new HashMap<>();
    private final boolean live;
    private PcapngWriter writer;
    private Supplier<CaptureCounters> counters;
    private long startNanos;
    private Thread flusher;
    /** A failed flush of the timer thread: the capture thread's next write reports it. */
    private IOException flushFailed;

    private CaptureCopy(OutputFile out, Supplier<List<InterfaceInfo>> interfaces, boolean live) {
        this.out = out;
        this.interfaces = interfaces;
        this.live = live;
    }

    /** A copy of a file, put in place by {@link #commit()}. */
    CaptureCopy(OutputFile out, Supplier<List<InterfaceInfo>> interfaces) {
        this(out, interfaces, false);
    }

    /** A live capture's copy: {@code out} is written in place ({@link OutputFile#inPlace}) and flushed as it goes. */
    static CaptureCopy live(OutputFile out, Supplier<List<InterfaceInfo>> interfaces) {
        return new CaptureCopy(out, interfaces, true);
    }

    /**
     * A live capture's counters: each interface of the copy then ends with an Interface Statistics
     * Block ({@code isb_ifrecv}, {@code isb_ifdrop}, {@code isb_osdrop}), so the file says what the
     * capture missed, as dumpcap's files do.
     */
    void statistics(Supplier<CaptureCounters> counters) {
        this.counters = counters;
    }

    synchronized void open() {
        startNanos = System.currentTimeMillis() * 1_000_000L;
        try {
            // From a path, the writer cuts a failed write back to the last whole block; standard output is a stream.
            writer = out.path() == null ? new PcapngWriter(out.open())
                    : new PcapngWriter(out.path(), SectionInfo.CELLSCOPE, out.openOptions());
        } catch (IOException e) {
            throw out.cannotWrite(e);
        }
        if (live) flusher = Thread.ofPlatform().daemon().name("capture copy flush").start(this::flushEvery);
    }

    private void flushEvery() {
        try {
            while (true) {
                Thread.sleep(FLUSH_MILLIS);
                synchronized (this) {
                    if (writer == null || flushFailed != null) return;
                    try {
                        writer.flush();
                    } catch (IOException e) {
                        flushFailed = e;
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    synchronized void write(Packet p) {
        try {
            if (flushFailed != null) throw flushFailed;
            copy(p);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /**
     * A failed write: one line naming the file and the reason; a live copy is kept, cut back to
     * its last whole block, and the line says how many frames it holds.
     */
    private RuntimeException failure(IOException e) {
        RuntimeException failed = out.cannotWrite(e);
        if (!live || out.path() == null) return failed;
        long kept = writer.committedPackets();
        return UserError.failure(failed.getMessage() + " (the " + kept
                + (kept == 1 ? " frame" : " frames") + " written before it are kept)");
    }

    private void copy(Packet p) throws IOException {
        Integer id = interfaceMap.get(p.interfaceId());
        if (id == null) {
            InterfaceInfo info = interfaces.get().stream().filter(i -> i.id() == p.interfaceId()).findFirst()
                    .orElse(new InterfaceInfo(p.interfaceId(), p.linkType(), 0, null, 1_000_000));
            // The source's if_tsoffset is declared again: a time before the epoch is written back as read.
            id = writer.addInterface(info.linkType(), info.snapLength(), info.name(), info.offsetSeconds());
            interfaceMap.put(p.interfaceId(), id);
        }
        writer.write(id, p.timestampNanos(), p.originalLength(), p.data(), p.comment());
    }

    /** Flushes and closes the copy, then puts it in place. */
    void commit() {
        stopFlusher();
        synchronized (this) {
            try {
                if (flushFailed != null) throw flushFailed;
                if (writer != null) {
                    writeStatistics();
                    writer.close();
                }
            } catch (IOException e) {
                throw failure(e);
            } finally {
                writer = null;
            }
        }
        out.commit();
    }

    private void stopFlusher() {
        if (flusher == null) return;
        flusher.interrupt();
        try {
            flusher.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeStatistics() throws IOException {
        if (counters == null) return;
        CaptureCounters c = counters.get();
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int id : interfaceMap.values()) {
            writer.writeStatistics(InterfaceStatistics.of(id, now, startNanos, c.received(), c.interfaceDrops(), c.osDrops()));
        }
    }

    /**
     * Without a {@link #commit()}: a file's copy leaves no file behind (the temporary one is removed); a live
     * copy keeps what reached it.
     */
    @Override
    public void close() {
        stopFlusher();
        synchronized (this) {
            try {
                if (writer != null) writer.close();
            } catch (IOException ignored) {
                // the copy is being abandoned anyway; a live one was cut back to its last whole block
            } finally {
                writer = null;
                out.close();
            }
        }
    }
}
