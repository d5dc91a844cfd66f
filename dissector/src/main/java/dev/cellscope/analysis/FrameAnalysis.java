package dev.cellscope.analysis;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * What the dissector asks of conversation analysis, frame by frame, in capture order. Either
 * computed here and now ({@link CaptureAnalysis}) or computed ahead by another thread and
 * handed over ({@link AnalysisThread}), so analysis and block verification run on one core
 * while dissection and output run on the other.
 */
public interface FrameAnalysis {

    /** The UTCP packet whose 40-byte header starts at {@code off} in {@code seg}, {@code present} payload bytes after it. */
    UtcpVerdict utcp(long frame, long ts, MemorySegment seg, long off, int present, int payloadFrameOffset);

    /**
     * The Tether frame at {@code off}: {@code len} bytes captured (whole blocks), {@code wireLen} on the wire
     * (more when snaplen cut the frame); {@code badChecksum} when its CRC-64 was computed and is bad (the ledger
     * then counts it and accounts nothing of it: its header may be what was damaged).
     */
    TetherFrameResult tether(long frame, long ts, MemorySegment seg, long off, int len, int wireLen, ByteOrder headerOrder, boolean badChecksum);
}
