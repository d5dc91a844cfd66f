package dev.cellscope.cli;

import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.InterfaceInfo;
import dev.cellscope.io.Packet;
import dev.cellscope.io.PcapngWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** {@code -w}: copies frames to a pcapng file, declaring each source interface as it first appears. */
final class CaptureCopy implements AutoCloseable {
    private final PcapngWriter writer;
    private final CaptureReader source;
    private final Map<Integer, Integer> interfaceMap = new HashMap<>();

    CaptureCopy(Path out, CaptureReader source) {
        this.source = source;
        try {
            this.writer = new PcapngWriter(out);
        } catch (IOException e) {
            throw UserError.failure(out + ": cannot write: " + e.getMessage());
        }
    }

    void write(Packet p) throws IOException {
        Integer id = interfaceMap.get(p.interfaceId());
        if (id == null) {
            InterfaceInfo info = source.interfaces().stream().filter(i -> i.id() == p.interfaceId()).findFirst()
                    .orElse(new InterfaceInfo(p.interfaceId(), p.linkType(), 0, null, 1_000_000));
            id = writer.addInterface(info.linkType(), info.snapLength(), info.name());
            interfaceMap.put(p.interfaceId(), id);
        }
        writer.write(id, p.timestampNanos(), p.originalLength(), p.data(), p.comment());
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
