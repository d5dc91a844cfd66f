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
        MappedFile mapped = MappedFile.map(file);
        try {
            return open(mapped);
        } catch (IOException | RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    private static CaptureReader open(MappedFile mapped) throws CaptureFormatException {
        long size = mapped.size();
        if (size == 0) {
            throw new CaptureFormatException(mapped.path() + ": empty file, not a capture");
        }
        if (size < 4) {
            throw new CaptureFormatException(mapped.path() + ": only " + size
                    + " bytes, too short for a capture file: " + firstBytes(mapped));
        }
        int magic = Endian.BIG.u32(mapped.bytes(), 0);
        if (magic == PCAPNG_SHB) {
            return new PcapngReader(mapped);
        }
        PcapReader.Variant variant = PcapReader.Variant.byMagic(magic);
        if (variant != null) {
            return new PcapReader(mapped, variant);
        }
        throw new CaptureFormatException(mapped.path() + ": not a pcap or pcapng file: first bytes " + firstBytes(mapped));
    }

    private static String firstBytes(MappedFile mapped) {
        byte[] head = mapped.bytes().asSlice(0, Math.min(4, mapped.size())).toArray(ValueLayout.JAVA_BYTE);
        return HexFormat.ofDelimiter(" ").formatHex(head);
    }
}
