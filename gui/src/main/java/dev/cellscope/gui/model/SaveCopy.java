package dev.cellscope.gui.model;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.io.InterfaceInfo;
import dev.cellscope.io.Packet;
import dev.cellscope.io.PcapngWriter;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SourceException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Save As pcapng: the displayed frames of a capture copied by a session (no analysis: frames are
 * copied as read) into a temporary file put in place at the end, so a failure leaves nothing half written.
 */
public final class SaveCopy {
    private SaveCopy() {}

    /** Copies the frames whose 0-based index is in {@code frames} (null: all); returns how many were written. */
    public static long write(Path capture, int[] frames, Path to) throws IOException, SourceException {
        Path tmp = Files.createTempFile(to.toAbsolutePath().getParent(), ".cellscope-save-", ".pcapng");
        CaptureSession session = new CaptureSession(new FileSource(capture), SessionOptions.of(null));
        try (PcapngWriter writer = new PcapngWriter(tmp)) {
            Map<Integer, Integer> ids = new HashMap<>();
            session.run(new FrameConsumer() {
                int n, next;

                @Override
                public FieldSink sink() {
                    return FieldSink.discard();
                }

                @Override
                public void frame(Packet p, FrameTiming timing) {
                    int i = n++;
                    if (frames != null) {
                        if (next >= frames.length || frames[next] != i) return;
                        next++;
                    }
                    try {
                        Integer id = ids.get(p.interfaceId());
                        if (id == null) {
                            InterfaceInfo info = session.interfaces().stream().filter(f -> f.id() == p.interfaceId()).findFirst()
                                    .orElse(new InterfaceInfo(p.interfaceId(), p.linkType(), 0, null, 1_000_000));
                            id = writer.addInterface(info.linkType(), info.snapLength(), info.name(), info.offsetSeconds());
                            ids.put(p.interfaceId(), id);
                        }
                        writer.write(id, p.timestampNanos(), p.originalLength(), p.data(), p.comment());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
            writer.close();
            Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING);
            return writer.packets();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
