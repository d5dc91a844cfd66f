package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.io.InterfaceInfo;
import dev.cellscope.io.Packet;
import dev.cellscope.io.PcapngWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code -w}: copies frames to a pcapng file, declaring each source interface as it first appears.
 * The file is created by {@link #open()}, once the capture it copies from could be opened.
 */
final class CaptureCopy implements AutoCloseable {
    private final Path out;
    private final Supplier<List<InterfaceInfo>> interfaces;
    private final Map<Integer, Integer> interfaceMap = new HashMap<>();
    private PcapngWriter writer;

    CaptureCopy(Path out, Supplier<List<InterfaceInfo>> interfaces) {
        this.out = out;
        this.interfaces = interfaces;
    }

    void open() {
        try {
            writer = new PcapngWriter(out);
        } catch (IOException e) {
            throw UserError.failure(out + ": cannot write: " + e.getMessage());
        }
    }

    void write(Packet p) throws IOException {
        Integer id = interfaceMap.get(p.interfaceId());
        if (id == null) {
            InterfaceInfo info = interfaces.get().stream().filter(i -> i.id() == p.interfaceId()).findFirst()
                    .orElse(new InterfaceInfo(p.interfaceId(), p.linkType(), 0, null, 1_000_000));
            id = writer.addInterface(info.linkType(), info.snapLength(), info.name());
            interfaceMap.put(p.interfaceId(), id);
        }
        writer.write(id, p.timestampNanos(), p.originalLength(), p.data(), p.comment());
    }

    @Override
    public void close() throws IOException {
        if (writer != null) writer.close();
    }
}
