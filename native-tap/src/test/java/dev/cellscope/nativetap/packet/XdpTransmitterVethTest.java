package dev.cellscope.nativetap.packet;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * XdpTransmitter on a real veth pair, tcpdump on the other end as the independent oracle: every
 * frame arrives whole and in order, through more frames than the UMEM has chunks (so chunks must
 * come back from the completion ring); the mode is reported (veth has no zero-copy driver support,
 * so the fallback to copy mode is what runs here); a frame longer than a UMEM chunk is refused on
 * its own; the one-line errors.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class XdpTransmitterVethTest {
    @TempDir
    Path dir;

    private static MemorySegment frame(Arena arena, long dst, long src, int n, int length) {
        MemorySegment f = arena.allocate(length);
        for (int i = 0; i < 6; i++) {
            f.set(ValueLayout.JAVA_BYTE, i, (byte) (dst >>> (40 - 8 * i)));
            f.set(ValueLayout.JAVA_BYTE, 6 + i, (byte) (src >>> (40 - 8 * i)));
        }
        f.set(ValueLayout.JAVA_BYTE, 12, (byte) 0x88);
        f.set(ValueLayout.JAVA_BYTE, 13, (byte) 0xB5);
        for (int i = 14; i < length; i++) f.set(ValueLayout.JAVA_BYTE, i, (byte) (n * 31 + i)); // names the frame in every byte
        f.set(ValueLayout.JAVA_INT_UNALIGNED, 14, n);
        return f;
    }

    /** tcpdump on {@code ifname} until it has {@code count} 0x88B5 frames; the frames it wrote, in hex. */
    private static final class Tcpdump implements AutoCloseable {
        final Process process;
        final Path file, err;

        Tcpdump(Path dir, String ifname, int count) throws Exception {
            Path tcpdump = SockaddrLlLayoutTest.which("tcpdump");
            Assumptions.assumeTrue(tcpdump != null, "'tcpdump' not found (Debian package tcpdump): no independent receiver");
            file = dir.resolve(ifname + ".pcap");
            err = dir.resolve(ifname + ".err");
            process = new ProcessBuilder(tcpdump.toString(), "-i", ifname, "-U", "-B", "65536", "-s", "0", "-c", Integer.toString(count),
                    "-w", file.toString(), "ether", "proto", "0x88b5")
                    .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(err).contains("listening on")) {
                if (!process.isAlive() || System.nanoTime() > end) throw new AssertionError("tcpdump did not start: " + Files.readString(err));
                Thread.sleep(20);
            }
        }

        List<String> frames() throws Exception {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "tcpdump did not see every frame: " + Files.readString(err)
                    + " (captured so far: " + (Files.exists(file) ? readPcap(file).size() : 0) + ")");
            return readPcap(file);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    /** The frames of a classic pcap file (as tcpdump -w writes it, little-endian here), in hex. */
    static List<String> readPcap(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<String> out = new ArrayList<>();
        if (b.remaining() < 24) return out;
        assertEquals(0xa1b2c3d4, b.getInt(0), "a little-endian microsecond pcap");
        b.position(24);
        while (b.remaining() >= 16) {
            b.getInt();
            b.getInt();
            int caplen = b.getInt(), len = b.getInt();
            assertEquals(len, caplen, "captured whole");
            if (b.remaining() < caplen) break;
            byte[] f = new byte[caplen];
            b.get(f);
            out.add(HexFormat.of().formatHex(f));
        }
        return out;
    }

    private static String hex(MemorySegment f) {
        return HexFormat.of().formatHex(f.toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void moreFramesThanChunksArriveWholeAndInOrder() throws Exception {
        try (VethPair veth = VethPair.create("x"); Arena arena = Arena.ofConfined()) {
            int count = 1000;
            List<String> expected = new ArrayList<>();
            MemorySegment[] frames = new MemorySegment[count];
            for (int i = 0; i < count; i++) {
                frames[i] = frame(arena, veth.macOf(veth.b), 0x02_00_00_00_0a_11L, i, 60 + (i * 37) % 1455); // 60..1514 bytes
                expected.add(hex(frames[i]));
            }
            try (Tcpdump far = new Tcpdump(dir, veth.b, count); XdpTransmitter tx = XdpTransmitter.open(veth.a, 0, 64, 2048)) {
                // the mode is reported, and consistently with the refusal that made it so
                assertEquals(tx.mode() == XdpTransmitter.Mode.COPY, !tx.zeroCopyRefusal().isEmpty(), tx + " " + tx.zeroCopyRefusal());
                if (tx.mode() == XdpTransmitter.Mode.COPY) {
                    assertTrue(tx.zeroCopyRefusal().getFirst().contains("zero-copy"), tx.zeroCopyRefusal().toString());
                }
                System.out.println(tx + "; zero-copy refused: " + tx.zeroCopyRefusal());
                tx.warmUp(100);
                int sent = 0;
                while (sent < count) sent += tx.send(frames, sent, Math.min(XdpTransmitter.MAX_BATCH, count - sent));
                assertTrue(tx.drain(10_000), "every chunk came back from the completion ring");
                assertEquals(count, tx.frames());
                assertSameFrames(expected, far.frames());
            }
        }
    }

    /** Equal lists, the first difference named (not two thousand frames of hex). */
    static void assertSameFrames(List<String> expected, List<String> received) {
        for (int i = 0; i < Math.min(expected.size(), received.size()); i++) {
            if (!expected.get(i).equals(received.get(i))) fail("frame " + i + " differs: sent " + expected.get(i) + ", received " + received.get(i));
        }
        assertEquals(expected.size(), received.size(), "frames received");
    }

    @Test
    void aFrameLongerThanAChunkIsRefusedOnItsOwn() throws Exception {
        try (VethPair veth = VethPair.create("y"); Arena arena = Arena.ofConfined()) {
            veth.ip("link", "set", veth.a, "mtu", "9000"); // the link would take it: the UMEM chunk is the limit
            veth.ip("link", "set", veth.b, "mtu", "9000");
            MemorySegment[] frames = {frame(arena, MacAddress.BROADCAST, 2, 1, 3000), frame(arena, MacAddress.BROADCAST, 2, 2, 1500)};
            try (Tcpdump far = new Tcpdump(dir, veth.b, 1); XdpTransmitter tx = XdpTransmitter.open(veth.a, 0, 64, 2048)) {
                var e = assertThrows(FrameTransmitter.FrameRefusedException.class, () -> tx.send(frames, 0, 2));
                assertEquals("'" + veth.a + "' refused a frame of 3000 bytes (larger than a UMEM frame of 2048 bytes; AF_XDP)", e.getMessage());
                assertEquals(1, tx.send(frames, 1, 1), "the next frame still goes");
                assertEquals(List.of(hex(frames[1])), far.frames());
            }
        }
    }

    @Test
    void aBatchStopsBeforeAFrameTooLongForTheLink() throws Exception {
        try (VethPair veth = VethPair.create("z"); Arena arena = Arena.ofConfined();
             XdpTransmitter tx = XdpTransmitter.open(veth.a, 0, 64, 4096)) {
            // default MTU 1500: a 1518-byte frame (with a VLAN tag's room) fits, 2000 does not
            MemorySegment[] frames = {frame(arena, MacAddress.BROADCAST, 2, 1, 1518), frame(arena, MacAddress.BROADCAST, 2, 2, 2000)};
            assertEquals(1, tx.send(frames, 0, 2), "the batch ends before the long frame");
            var e = assertThrows(FrameTransmitter.FrameRefusedException.class, () -> tx.send(frames, 1, 1));
            assertTrue(e.getMessage().endsWith("refused a frame of 2000 bytes (larger than its MTU; AF_XDP)"), e.getMessage());
        }
    }

    @Test
    void oneLineErrors() {
        var e = assertThrows(PacketSocketException.class, () -> XdpTransmitter.open("nosuch0"));
        assertEquals("no network interface 'nosuch0'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> XdpTransmitter.open("much-too-long-name0"));
        assertThrows(IllegalArgumentException.class, () -> XdpTransmitter.open("lo", 0, 100, 2048));
    }
}
