package dev.cellscope.gui.model;

import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;
import dev.cellscope.io.PacketSource;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.SourceException;
import dev.cellscope.session.SourceOpener;

import java.nio.file.Path;

/**
 * A capture file as the session opens it ({@link FileSource}), remembering the reader so the index
 * can ask where each frame's bytes are ({@link CaptureReader#dataOffset}).
 */
final class IndexingSource implements SourceOpener {
    private final FileSource file;
    private volatile CaptureReader reader;

    IndexingSource(Path path) {
        this.file = new FileSource(path);
    }

    @Override
    public PacketSource open() throws SourceException {
        CaptureReader r = file.open();
        reader = r;
        return r;
    }

    @Override
    public boolean reopenable() {
        return true;
    }

    @Override
    public String name() {
        return file.name();
    }

    /** Where {@code p}'s bytes start in the file (-1: unknown). */
    long dataOffset(Packet p) {
        CaptureReader r = reader;
        return r == null ? -1 : r.dataOffset(p);
    }
}
