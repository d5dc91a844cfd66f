package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** RFC 1071 ones'-complement sum, as IPv4 headers and UDP (with its pseudo-header) use it. */
final class InternetChecksum {
    private long sum;

    InternetChecksum add16(int word) {
        sum += word & 0xFFFF;
        return this;
    }

    InternetChecksum add32(long word) {
        return add16((int) (word >>> 16)).add16((int) word);
    }

    /** Adds bytes as big-endian words; an odd tail is padded with zero, so only the last range may be odd. */
    InternetChecksum add(MemorySegment seg, long offset, long length) {
        for (long i = 0; i + 1 < length; i += 2) {
            add16((seg.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF) << 8
                    | seg.get(ValueLayout.JAVA_BYTE, offset + i + 1) & 0xFF);
        }
        if ((length & 1) != 0) add16((seg.get(ValueLayout.JAVA_BYTE, offset + length - 1) & 0xFF) << 8);
        return this;
    }

    InternetChecksum add(Bytes bytes) {
        return add(bytes.asSegment(), 0, bytes.length());
    }

    /** The complement of the folded sum: the value to store in a checksum field. */
    int finish() {
        long s = sum;
        while (s >>> 16 != 0) s = (s & 0xFFFF) + (s >>> 16);
        return (int) (~s & 0xFFFF);
    }
}
