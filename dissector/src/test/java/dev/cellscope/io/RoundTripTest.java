package dev.cellscope.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundTripTest {

    private static final long NS = 1_000_000_000L;
    private static final long[] TIMES = {
        0, 1, 999_999_999, 1_700_000_000L * NS + 123_456_789,
        (long) Integer.MAX_VALUE * NS + 999_999_999,      // last instant before the 2038 rollover
        (1L << 31) * NS + 1,                               // just after it
        0xFFFF_FFFFL * NS + 5,                             // 2106: beyond unsigned 32-bit seconds
        Long.MAX_VALUE,                                    // 2262
    };
    private static final String[] COMMENTS = {null, "", "plain", "Grüße – 日本語 – 🚀", "two\nlines"};

    @TempDir
    Path dir;

    static List<Captures.Copy> samplePackets(int count, long seed) {
        Random random = new Random(seed);
        List<Captures.Copy> packets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int size = i < 3 ? new int[] {0, 1, 1600}[i] : random.nextInt(1601);
            byte[] data = new byte[size];
            random.nextBytes(data);
            int iface = i % 2;
            int original = size + (i % 5 == 0 ? random.nextInt(100) : 0);
            packets.add(new Captures.Copy(i + 1, Math.max(0, TIMES[i % TIMES.length] - (i < TIMES.length ? 0 : random.nextInt(1000))),
                    iface, iface == 0 ? Packet.LINKTYPE_ETHERNET : 147, original, data, COMMENTS[i % COMMENTS.length]));
        }
        return packets;
    }

    static void writeAll(PcapngWriter w, List<Captures.Copy> packets) throws Exception {
        for (Captures.Copy p : packets) {
            w.write(p.interfaceId(), p.timestampNanos(), p.originalLength(), MemorySegment.ofArray(p.data()), p.comment());
        }
    }

    @Test
    void pcapngWriterOutputReadsBackEqual() throws Exception {
        List<Captures.Copy> packets = samplePackets(200, 42);
        Path file = dir.resolve("rt.pcapng");
        try (PcapngWriter w = new PcapngWriter(file)) {
            assertEquals(0, w.addInterface(Packet.LINKTYPE_ETHERNET, 0, "eth0"));
            assertEquals(1, w.addInterface(147, 65535, "ключ"));
            writeAll(w, packets);
        }
        Captures.Result r = Captures.read(file);
        assertTrue(r.error().isEmpty(), () -> r.error().toString());
        assertEquals(packets, r.packets());
        assertEquals(List.of(new InterfaceInfo(0, 1, 0, "eth0", NS), new InterfaceInfo(1, 147, 65535, "ключ", NS)),
                r.interfaces());
        assertEquals(0, Files.size(file) % 4, "pcapng blocks are 32-bit aligned");
    }

    @Test
    void copyingPacketByPacketPreservesEverything() throws Exception {
        List<Captures.Copy> packets = samplePackets(50, 7);
        Path original = dir.resolve("a.pcapng");
        try (PcapngWriter w = new PcapngWriter(original)) {
            w.addInterface(Packet.LINKTYPE_ETHERNET, 0, null);
            w.addInterface(147, 0, null);
            writeAll(w, packets);
        }
        Path copy = dir.resolve("b.pcapng");
        try (CaptureReader in = CaptureReader.open(original); PcapngWriter out = new PcapngWriter(copy)) {
            for (Packet p; (p = in.next()) != null; ) {
                out.write(p); // declares interfaces 0 and 1 on first use, from the packets' link types
            }
        }
        assertEquals(packets, Captures.read(copy).packets());
    }

    /**
     * What a reader delivers can be copied whatever its comments: found by fuzzing, `read -w` of a packet with two
     * 40,000-byte comments (joined into one of 80,001 bytes by the reader), or with one of 30,000 invalid UTF-8
     * bytes (90,000 bytes once read as U+FFFD), or an interface whose if_name is such, ended in "internal error:
     * java.lang.IllegalArgumentException: a pcapng option holds at most 65535 bytes". Comments cut where the reader
     * joined them come back as they were read; a line too long for one option, and a name, are cut at a character
     * boundary (the line comes back with a "\n" there).
     */
    @Test
    void commentsAndNamesLongerThanOneOptionAreCopied() throws Exception {
        byte[] invalid = new byte[30_000];
        java.util.Arrays.fill(invalid, (byte) 0xFF);
        byte[] data = new byte[60];
        PcapngBuilder b = new PcapngBuilder().shb(java.nio.ByteOrder.LITTLE_ENDIAN)
                .idb(1, 0, new PcapngBuilder.Opt(PcapngReader.IF_NAME, invalid))
                .epb(0, 1, 60, data, PcapngBuilder.Opt.string(1, "a".repeat(40_000)), PcapngBuilder.Opt.string(1, "b".repeat(40_000)))
                .epb(0, 2, 60, data, new PcapngBuilder.Opt(1, invalid))
                .epb(0, 3, 60, data, PcapngBuilder.Opt.string(1, "\n".repeat(65_000)), PcapngBuilder.Opt.string(1, "é".repeat(30_000)));
        Captures.Result source = Captures.read(dir, "long-comments.pcapng", b.build());
        assertTrue(source.error().isEmpty(), () -> source.error().toString());
        Path copy = dir.resolve("copy.pcapng");
        try (CaptureReader in = CaptureReader.open(dir.resolve("long-comments.pcapng")); PcapngWriter out = new PcapngWriter(copy)) {
            Packet first = in.next(); // the interface is known once its block is read
            InterfaceInfo i = in.interfaces().getFirst();
            out.addInterface(i.linkType(), i.snapLength(), i.name());
            for (Packet p = first; p != null; p = in.next()) {
                out.write(p);
            }
        }
        Captures.Result r = Captures.read(copy);
        assertTrue(r.error().isEmpty(), () -> r.error().toString());
        String replaced = "\uFFFD".repeat(30_000); // 3 bytes each
        assertEquals(replaced, source.packets().get(1).comment());
        assertEquals(List.of(source.packets().get(0), source.packets().get(2)), List.of(r.packets().get(0), r.packets().get(2)));
        assertEquals(replaced.substring(0, 21_845) + "\n" + replaced.substring(21_845), r.packets().get(1).comment());
        assertEquals(replaced.substring(0, 21_845), r.interfaces().getFirst().name()); // 65,535 bytes
    }

    @Test
    void firstWriteDeclaresEthernetWhenNoInterfaceWasAdded() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(bytes)) {
            w.write(0, 5, 3, MemorySegment.ofArray(new byte[] {1, 2, 3}), null);
            assertThrows(IllegalArgumentException.class,
                    () -> w.write(1, 5, 3, MemorySegment.ofArray(new byte[3]), null));
            // What a reader can deliver can be written: a time before the epoch, an original length of 0xFFFFFFFF.
            w.write(0, -1, -1, MemorySegment.ofArray(new byte[] {4, 5, 6}), null);
            assertThrows(IllegalArgumentException.class,
                    () -> w.write(0, 1, 3, MemorySegment.ofArray(new byte[CaptureFiles.MAX_PACKET_LENGTH + 1]), null));
        }
        Captures.Result r = Captures.read(dir, "auto.pcapng", bytes.toByteArray());
        assertEquals(List.of(new InterfaceInfo(0, Packet.LINKTYPE_ETHERNET, 0, null, NS)), r.interfaces());
        assertEquals(List.of(new Captures.Copy(1, 5, 0, 1, 3, new byte[] {1, 2, 3}, null),
                new Captures.Copy(2, -1, 0, 1, -1, new byte[] {4, 5, 6}, null)), r.packets());
    }

    @Test
    void anInterfaceOffsetIsDeclaredAgainSoTimesBeforeTheEpochReadBackExactly() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long before = -99_000_000_000L, after = 100_000_000_001L;
        try (PcapngWriter w = new PcapngWriter(bytes)) {
            int id = w.addInterface(Packet.LINKTYPE_ETHERNET, 0, "eth0", -100);
            w.write(id, before, 60, MemorySegment.ofArray(new byte[] {1}), null);
            w.write(id, after, 60, MemorySegment.ofArray(new byte[] {2}), null);
        }
        Captures.Result r = Captures.read(dir, "offset.pcapng", bytes.toByteArray());
        assertEquals(List.of(new InterfaceInfo(0, Packet.LINKTYPE_ETHERNET, 0, "eth0", NS, -100)), r.interfaces());
        assertEquals(List.of(before, after), r.packets().stream().map(Captures.Copy::timestampNanos).toList());
        // The raw timestamps on disk are the times less the offset: 1 s and 200.000000001 s.
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes.toByteArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        List<Long> raw = new java.util.ArrayList<>();
        for (int at = 0; at < b.limit(); at += b.getInt(at + 4)) {
            if (b.getInt(at) == 6) raw.add(((long) b.getInt(at + 12) << 32) | Integer.toUnsignedLong(b.getInt(at + 16)));
        }
        assertEquals(List.of(1_000_000_000L, 200_000_000_001L), raw);
    }

    @Test
    void pcapWriterOutputReadsBackEqualWithoutComments() throws Exception {
        List<Captures.Copy> packets = samplePackets(100, 3).stream()
                .filter(p -> p.interfaceId() == 0 && p.timestampNanos() / NS <= 0xFFFF_FFFFL)
                .map(p -> new Captures.Copy(0, p.timestampNanos(), 0, 1, p.originalLength(), p.data(), null))
                .toList();
        Path file = dir.resolve("rt.pcap");
        try (PcapWriter w = new PcapWriter(file, Packet.LINKTYPE_ETHERNET, 65535)) {
            for (Captures.Copy p : packets) {
                w.write(p.timestampNanos(), p.originalLength(), MemorySegment.ofArray(p.data()));
            }
            assertThrows(IllegalArgumentException.class,
                    () -> w.write(Long.MAX_VALUE, 1, MemorySegment.ofArray(new byte[1])));
        }
        Captures.Result r = Captures.read(file);
        assertEquals(CaptureReader.Format.PCAP, r.format());
        assertEquals(List.of(new InterfaceInfo(0, 1, 65535, null, NS)), r.interfaces());
        for (int i = 0; i < packets.size(); i++) {
            Captures.Copy want = packets.get(i);
            assertEquals(new Captures.Copy(i + 1, want.timestampNanos(), 0, 1, want.originalLength(), want.data(), null),
                    r.packets().get(i));
        }
        assertEquals(packets.size(), r.packets().size());
    }
}
