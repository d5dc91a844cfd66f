package dev.cellscope.session;

import dev.cellscope.io.CaptureError;
import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.InterfaceInfo;
import dev.cellscope.io.InterfaceStatistics;
import dev.cellscope.io.Packet;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The copy of a gzip stream that was cut short or damaged ({@link StreamSource}): its frames are read, then the gzip
 * problem is the capture's damage, as tshark reports it ("appears to have been cut short", "bad CRC"). The copy alone
 * cannot tell: its last block may end exactly where the decompression stopped, and a bad CRC leaves every byte in place.
 * When the reader found damage of its own (a block cut where the decompression stopped), the gzip problem is added to it.
 */
final class CutStreamReader implements CaptureReader {
    private final CaptureReader in;
    private final String problem;
    private final long decompressed;
    private boolean ended;

    /** @param problem what went wrong ("cut short", "damaged (Corrupt GZIP trailer)"), after {@code decompressed} bytes */
    CutStreamReader(CaptureReader in, String problem, long decompressed) {
        this.in = in;
        this.problem = problem;
        this.decompressed = decompressed;
    }

    @Override
    public Optional<CaptureError> error() {
        Optional<CaptureError> own = in.error();
        String gzip = "the gzip data is " + problem + " after " + decompressed + " decompressed bytes";
        if (own.isPresent()) return Optional.of(new CaptureError(own.get().offset(), own.get().message() + " (" + gzip + ")"));
        return ended ? Optional.of(new CaptureError(decompressed, gzip)) : Optional.empty();
    }

    @Override
    public Packet next() {
        Packet p = in.next();
        if (p == null) ended = true;
        return p;
    }

    @Override public String name() { return in.name(); }
    @Override public Format format() { return in.format(); }
    @Override public List<InterfaceInfo> interfaces() { return in.interfaces(); }
    @Override public List<InterfaceStatistics> statistics() { return in.statistics(); }
    @Override public long dataOffset(Packet packet) { return in.dataOffset(packet); }
    @Override public long bytesRead() { return in.bytesRead(); }
    @Override public OptionalLong totalBytes() { return in.totalBytes(); }
    @Override public void cancel() { in.cancel(); }
    @Override public void close() { in.close(); }
}
