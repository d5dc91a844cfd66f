package dev.cellscope.cli;

import dev.cellscope.io.InterfaceStatistics;
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
 * The file is created by {@link #open()}, once the capture it copies from could be opened, under a
 * temporary name: {@link #commit()} puts it in place (see {@link OutputFile}).
 */
final class CaptureCopy implements AutoCloseable {
    private final OutputFile out;
    private final Supplier<List<InterfaceInfo>> interfaces;
    private final Map<Integer, Integer> interfaceMap = new HashMap<>();
    private PcapngWriter writer;
    private Supplier<CaptureCounters> counters;
    private long startNanos;

    CaptureCopy(OutputFile out, Supplier<List<InterfaceInfo>> interfaces) {
        this.out = out;
        this.interfaces = interfaces;
    }

    /**
     * A live capture's counters: each interface of the copy then ends with an Interface Statistics
     * Block ({@code isb_ifrecv}, {@code isb_ifdrop}, {@code isb_osdrop}), so the file says what the
     * capture missed, as dumpcap's files do.
     */
    void statistics(Supplier<CaptureCounters> counters) {
        this.counters = counters;
    }

    void open() {
        startNanos = System.currentTimeMillis() * 1_000_000L;
        try {
            writer = new PcapngWriter(out.open());
        } catch (IOException e) {
            throw out.cannotWrite(e);
        }
    }

    void write(Packet p) {
        try {
            copy(p);
        } catch (IOException e) {
            throw out.cannotWrite(e);
        }
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
        try {
            if (writer != null) {
                writeStatistics();
                writer.close();
            }
        } catch (IOException e) {
            throw out.cannotWrite(e);
        } finally {
            writer = null;
        }
        out.commit();
    }

    private void writeStatistics() throws IOException {
        if (counters == null) return;
        CaptureCounters c = counters.get();
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int id : interfaceMap.values()) {
            writer.writeStatistics(InterfaceStatistics.of(id, now, startNanos, c.received(), c.interfaceDrops(), c.osDrops()));
        }
    }

    /** Without a {@link #commit()}: no file is left behind (the temporary one is removed). */
    @Override
    public void close() {
        try {
            if (writer != null) writer.close();
        } catch (IOException ignored) {
            // the copy is being abandoned anyway
        } finally {
            out.close();
        }
    }
}
