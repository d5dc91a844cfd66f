package dev.cellscope.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Properties over random and damaged input, and random round trips. */
class CaptureProperties {

    private static final byte[][] MAGICS = {
        {(byte) 0xD4, (byte) 0xC3, (byte) 0xB2, (byte) 0xA1}, {(byte) 0xA1, (byte) 0xB2, (byte) 0xC3, (byte) 0xD4},
        {0x4D, 0x3C, (byte) 0xB2, (byte) 0xA1}, {(byte) 0xA1, (byte) 0xB2, 0x3C, 0x4D}, {0x0A, 0x0D, 0x0D, 0x0A},
    };

    enum Kind { FLIP_BIT, OVERWRITE_BYTE, TRUNCATE }

    record Mutation(Kind kind, int position, int value) {
        byte[] apply(byte[] file) {
            if (file.length == 0) {
                return file;
            }
            int at = Math.floorMod(position, file.length);
            return switch (kind) {
                case FLIP_BIT -> {
                    file[at] ^= (byte) (1 << (value & 7));
                    yield file;
                }
                case OVERWRITE_BYTE -> {
                    file[at] = (byte) value;
                    yield file;
                }
                case TRUNCATE -> Arrays.copyOf(file, at);
            };
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Mutation> one = Combinators.combine(
                Arbitraries.of(Kind.class), Arbitraries.integers(), Arbitraries.integers().between(0, 255))
                .as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 500)
    void randomBytesBehindAValidMagicNeverEscape(@ForAll("magic") byte[] magic, @ForAll @Size(max = 400) byte[] rest)
            throws IOException {
        byte[] file = Arrays.copyOf(magic, magic.length + rest.length);
        System.arraycopy(rest, 0, file, magic.length, rest.length);
        readSafely(file);
    }

    @Provide
    Arbitrary<byte[]> magic() {
        return Arbitraries.of(MAGICS);
    }

    @Property(tries = 200)
    void randomBytesNeverEscape(@ForAll @Size(max = 200) byte[] file) throws IOException {
        readSafely(file);
    }

    @Property(tries = 1000)
    void mutatedPcapNeverEscapes(@ForAll("mutations") List<Mutation> mutations, @ForAll boolean bigEndian)
            throws IOException {
        PcapBuilder b = new PcapBuilder(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, bigEndian, 1, 0);
        for (int i = 0; i < 6; i++) {
            b.record(i, i, 40 + i, PcapReaderTest.frame(i * 11, i));
        }
        readSafely(mutate(b.build(), mutations));
    }

    @Property(tries = 1000)
    void mutatedPcapngNeverEscapes(@ForAll("mutations") List<Mutation> mutations) throws IOException {
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN)
                .idb(1, 64, PcapngBuilder.Opt.string(2, "if"), PcapngBuilder.Opt.u8(9, 0x94))
                .epb(0, 123, 60, PcapReaderTest.frame(60, 1), PcapngBuilder.Opt.string(1, "c"))
                .spb(70, PcapReaderTest.frame(70, 2))
                .nrb(new byte[] {1, 2, 3, 4}, "n")
                .shb(ByteOrder.BIG_ENDIAN).idb(1, 0)
                .pb(0, 5, 3, new byte[3])
                .epb(0, 6, 0, new byte[0]);
        readSafely(mutate(b.build(), mutations));
    }

    @Property(tries = 100)
    void anyPacketsRoundTripThroughPcapng(@ForAll("packets") List<Captures.Copy> packets) throws IOException {
        Path file = Files.createTempFile("cellscope-rt", ".pcapng");
        try {
            try (PcapngWriter w = new PcapngWriter(file)) {
                w.addInterface(Packet.LINKTYPE_ETHERNET, 0, "a");
                w.addInterface(147, 0, "b");
                for (Captures.Copy p : packets) {
                    w.write(p.interfaceId(), p.timestampNanos(), p.originalLength(), MemorySegment.ofArray(p.data()),
                            p.comment());
                }
            }
            Captures.Result r = Captures.read(file);
            assertTrue(r.error().isEmpty(), () -> r.error().toString());
            assertEquals(packets, r.packets());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Provide
    Arbitrary<List<Captures.Copy>> packets() {
        Arbitrary<Captures.Copy> packet = Combinators.combine(
                Arbitraries.longs().between(0, Long.MAX_VALUE),
                Arbitraries.integers().between(0, 1),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(1600),
                Arbitraries.integers().between(0, 100),
                Arbitraries.strings().ofMaxLength(40).injectNull(0.3))
                .as((ts, iface, data, extra, comment) -> new Captures.Copy(0, ts, iface,
                        iface == 0 ? Packet.LINKTYPE_ETHERNET : 147, data.length + extra, data, comment));
        return packet.list().ofMaxSize(30).map(list -> {
            for (int i = 0; i < list.size(); i++) {
                Captures.Copy p = list.get(i);
                list.set(i, new Captures.Copy(i + 1, p.timestampNanos(), p.interfaceId(), p.linkType(),
                        p.originalLength(), p.data(), p.comment()));
            }
            return list;
        });
    }

    private static byte[] mutate(byte[] file, List<Mutation> mutations) {
        for (Mutation m : mutations) {
            file = m.apply(file);
        }
        return file;
    }

    /**
     * Opening may refuse the file; once open, reading must end without throwing, within one
     * packet per 12 bytes, and every packet must hold the file's bytes where the reader says it lies.
     */
    private static void readSafely(byte[] content) throws IOException {
        Path file = Files.createTempFile("cellscope-fuzz", ".cap");
        try {
            Files.write(file, content);
            CaptureReader reader;
            try {
                reader = CaptureReader.open(file);
            } catch (CaptureFormatException expected) {
                return;
            }
            try (reader) {
                long limit = content.length / 12 + 1;
                long count = 0;
                for (Packet p; (p = reader.next()) != null; ) {
                    count++;
                    assertTrue(count <= limit, "more packets than the file can hold");
                    assertEquals(count, p.number());
                    long offset = reader.dataOffset(p);
                    long length = p.data().byteSize();
                    assertTrue(offset >= 0 && offset + length <= content.length,
                            "packet " + count + " at " + offset + "+" + length + " outside a " + content.length + "-byte file");
                    assertArrayEquals(Arrays.copyOfRange(content, (int) offset, (int) (offset + length)),
                            p.data().toArray(ValueLayout.JAVA_BYTE));
                }
                reader.error().ifPresent(e -> assertTrue(e.offset() >= 0 && e.offset() < content.length, e.toString()));
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
