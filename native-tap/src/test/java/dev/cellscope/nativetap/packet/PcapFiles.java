package dev.cellscope.nativetap.packet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Classic pcap files for the ring tests: written for tcpreplay to send, read back as the oracle. */
final class PcapFiles {
    private PcapFiles() {
    }

    /** One record: the bytes in the file and the frame's length on the wire. */
    record Frame(byte[] bytes, int originalLength, long timestampNanos) {
    }

    /** Writes Ethernet frames (microsecond pcap, snaplen 262144), one microsecond apart. */
    static void write(Path file, List<byte[]> frames) throws IOException {
        int size = 24 + frames.stream().mapToInt(f -> 16 + f.length).sum();
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262_144).putInt(1);
        long us = 1_764_000_000_000_000L;
        for (byte[] f : frames) {
            us++;
            b.putInt((int) (us / 1_000_000)).putInt((int) (us % 1_000_000)).putInt(f.length).putInt(f.length).put(f);
        }
        Files.write(file, b.array());
    }

    /** Reads a classic pcap (either byte order, micro- or nanosecond magic). */
    static List<Frame> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
        }
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) throw new IOException(file + " is not a classic pcap file");
        long fraction = magic == 0xa1b23c4d ? 1 : 1000;
        b.position(24);
        List<Frame> out = new ArrayList<>();
        while (b.remaining() >= 16) {
            long sec = Integer.toUnsignedLong(b.getInt()), frac = Integer.toUnsignedLong(b.getInt());
            int caplen = b.getInt(), len = b.getInt();
            byte[] data = new byte[caplen];
            b.get(data);
            out.add(new Frame(data, len, sec * 1_000_000_000L + frac * fraction));
        }
        return out;
    }
}
