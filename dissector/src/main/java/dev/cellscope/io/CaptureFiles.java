package dev.cellscope.io;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.HexFormat;

/** Opens capture files by their magic number. */
final class CaptureFiles {

    /**
     * Largest captured length accepted for one packet: Wireshark's
     * WTAP_MAX_PACKET_SIZE_STANDARD. Anything larger is taken as damage, which also keeps a
     * lying length field from turning into a huge slice or allocation.
     */
    static final int MAX_PACKET_LENGTH = 262_144;

    private static final int PCAPNG_SHB = 0x0A0D0D0A;

    private CaptureFiles() {}

    static CaptureReader open(Path file) throws IOException {
        return open(file, ReadAheadFile.CHUNK);
    }

    /** As {@link #open(Path)}, reading {@code chunk} bytes at a time (for tests). */
    static CaptureReader open(Path file, int chunk) throws IOException {
        ReadAheadFile read = ReadAheadFile.open(file, chunk);
        try {
            return open(read);
        } catch (IOException | RuntimeException e) {
            read.close();
            throw e;
        }
    }

    private static CaptureReader open(ReadAheadFile file) throws CaptureFormatException {
        long size = file.size();
        if (size == 0) {
            throw new CaptureFormatException(file.path() + ": empty file, not a capture");
        }
        if (!file.cover(0, (int) Math.min(4, size))) {
            throw new CaptureFormatException(file.problem());
        }
        if (size < 4) {
            throw new CaptureFormatException(file.path() + ": only " + size
                    + " bytes, too short for a capture file: " + firstBytes(file));
        }
        int magic = Endian.BIG.u32(file.seg, 0);
        if (magic == PCAPNG_SHB) {
            return new PcapngReader(file);
        }
        PcapReader.Variant variant = PcapReader.Variant.byMagic(magic);
        if (variant != null) {
            return new PcapReader(file, variant);
        }
        throw new CaptureFormatException(file.path() + ": not a pcap or pcapng file: first bytes " + firstBytes(file));
    }

    /** The file's first bytes, up to 4, in hex; after {@code file.cover(0, ...)}. */
    private static String firstBytes(ReadAheadFile file) {
        byte[] head = file.seg.asSlice(0, Math.min(4, file.size())).toArray(ValueLayout.JAVA_BYTE);
        return HexFormat.ofDelimiter(" ").formatHex(head);
    }
}
