package dev.cellscope.nativetap.packet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.TestAbortedException;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AF_XDP on a real veth pair (root; sender in a namespace of its own, see {@link NetnsVeth}):
 * the committed sample arrives byte for byte through our rings, the kernel's counters, and the
 * program is gone from the interface after close ({@code ip link show} is the oracle).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class XdpCaptureVethTest {
    private static NetnsVeth veth;
    private static String skip;
    private static Path work, sample;
    private static List<PcapFiles.Frame> sampleFrames;

    @BeforeAll
    static void createPair() throws Exception {
        try {
            Assumptions.assumeTrue(XdpLibrary.unavailableReason() == null, () -> "AF_XDP needs libxdp: " + XdpLibrary.unavailableReason());
            Assumptions.assumeTrue(SockaddrLlLayoutTest.which("tcpdump") != null, "'tcpdump' not found (Debian package tcpdump): it converts the sample");
            veth = NetnsVeth.create("x");
        } catch (TestAbortedException e) {
            skip = e.getMessage().replaceFirst("^Assumption failed: ", "");
            System.err.println("XdpCaptureVethTest skipped: " + skip);
            return;
        }
        work = Files.createTempDirectory("cs-xdp");
        sample = work.resolve("mixed-wire.pcap");
        var r = SockaddrLlLayoutTest.run("tcpdump", "-r", TpacketV3RingVethTest.samplePath("mixed-wire.pcapng").toString(), "-w", sample.toString());
        if (!r.error().isEmpty()) throw new IllegalStateException("tcpdump -r mixed-wire.pcapng: " + r.error());
        sampleFrames = PcapFiles.read(sample);
    }

    @BeforeEach
    void needsThePair() {
        Assumptions.assumeTrue(skip == null, skip);
    }

    @AfterAll
    static void deletePair() throws Exception {
        if (veth != null) veth.close();
        if (work != null) {
            try (var s = Files.list(work)) {
                for (Path p : s.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(work);
        }
    }

    static String linkShow(String ifname) throws Exception {
        return SockaddrLlLayoutTest.run("ip", "link", "show", ifname).output();
    }

    private static List<byte[]> collect(XdpSocket s, int n, long millis) {
        List<byte[]> got = new ArrayList<>();
        long end = System.currentTimeMillis() + millis;
        while (got.size() < n && System.currentTimeMillis() < end) {
            s.receive((data, offset, length) -> got.add(data.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE)), 100);
        }
        return got;
    }

    @Test
    void theSampleArrivesByteForByteThroughTheRingsAndTheProgramLeavesWithTheCapture() throws Exception {
        assertFalse(linkShow(veth.receiver).contains("xdp"), "no XDP program before: " + linkShow(veth.receiver));
        try (XdpCapture c = XdpCapture.open(XdpCapture.Config.of(veth.receiver).withFrames(1024))) {
            assertEquals(1, c.sockets().size(), "a veth made by ip link add has one receive queue");
            assertTrue(linkShow(veth.receiver).contains("xdp"), "attached: " + linkShow(veth.receiver));
            System.err.println("XdpCaptureVethTest: " + c.describe() + ", multi-buffer " + c.sockets().getFirst().multiBuffer());
            // three times 425 frames through a ring of 1024, read while they come: the chunks go round the fill ring.
            // Each replay waits for the reader to have taken the one before: a reader descheduled on a loaded
            // machine would otherwise let the sender fill the ring (drops are another test's subject)
            int loops = 3, n = sampleFrames.size() * loops;
            List<byte[]> got = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread reader = Thread.ofPlatform().start(() -> {
                long end = System.currentTimeMillis() + 30_000;
                while (got.size() < n && System.currentTimeMillis() < end) {
                    c.sockets().getFirst().receive((data, offset, length) -> got.add(data.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE)), 100);
                }
            });
            for (int loop = 1; loop <= loops; loop++) {
                assertEquals(sampleFrames.size(), veth.replay(sample, "--topspeed"));
                long end = System.currentTimeMillis() + 10_000;
                while (got.size() < loop * sampleFrames.size() && System.currentTimeMillis() < end) Thread.sleep(5);
            }
            reader.join();
            assertEquals(n, got.size(), "frames: " + c.stats());
            for (int i = 0; i < got.size(); i++) assertArrayEquals(sampleFrames.get(i % sampleFrames.size()).bytes(), got.get(i), "frame " + (i + 1));
            assertEquals(n, c.sockets().getFirst().frames());
            assertEquals(0, c.stats().drops(), c.stats().toString());
        }
        assertFalse(linkShow(veth.receiver).contains("xdp"), "detached on close: " + linkShow(veth.receiver));
    }

    /** Frames longer than a 4 KiB chunk (the veth's MTU is 9000) come in several descriptors and are joined whole. */
    /** getsockopt on the socket: what the kernel holds, not what we think we set. */
    private static int socketOption(int fd, int option) {
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            var errno = Libc.newErrno(a);
            var value = a.allocate(ValueLayout.JAVA_INT);
            var len = a.allocateFrom(ValueLayout.JAVA_INT, 4);
            assertEquals(0, Libc.getsockopt(errno, fd, LinuxAbi.SOL_SOCKET, option, value, len), "getsockopt " + option);
            return value.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /**
     * Busy polling: the kernel holds SO_PREFER_BUSY_POLL and SO_BUSY_POLL as set (read back with
     * getsockopt), the mode line says so, and the sample still arrives byte for byte
     * through the recvfrom-then-poll path. Without it the options are the kernel's defaults (0).
     */
    @Test
    void busyPollingSetsTheSocketOptionsAndStillReceivesEveryFrame() throws Exception {
        try (XdpCapture c = XdpCapture.open(XdpCapture.Config.of(veth.receiver).withFrames(1024))) {
            int fd = c.sockets().getFirst().fd();
            assertEquals(0, socketOption(fd, LinuxAbi.SO_PREFER_BUSY_POLL));
            assertTrue(c.describe().endsWith(", busy poll off"), c.describe());
        }
        try (XdpCapture c = XdpCapture.open(XdpCapture.Config.of(veth.receiver).withFrames(1024).withBusyPoll(true))) {
            XdpSocket s = c.sockets().getFirst();
            assertEquals(1, socketOption(s.fd(), LinuxAbi.SO_PREFER_BUSY_POLL));
            assertEquals(XdpSocket.BUSY_POLL_MICROS, socketOption(s.fd(), LinuxAbi.SO_BUSY_POLL));
            // SO_BUSY_POLL_BUDGET cannot be read back (getsockopt has no case for it: ENOPROTOOPT); its setsockopt succeeded
            assertTrue(c.describe().endsWith(", busy poll on"), c.describe());
            assertEquals(sampleFrames.size(), veth.replay(sample, "--topspeed"));
            List<byte[]> got = collect(s, sampleFrames.size(), 20_000);
            assertEquals(sampleFrames.size(), got.size());
            for (int i = 0; i < got.size(); i++) assertArrayEquals(sampleFrames.get(i).bytes(), got.get(i), "frame " + (i + 1));
        }
    }

    @Test
    void jumboFramesLongerThanAChunkArriveWhole() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        int[] lengths = {60, 3000, 3840, 3841, 4096, 5000, 8000, 9014, 60};
        for (int n = 0; n < lengths.length; n++) {
            byte[] f = new byte[lengths[n]];
            for (int i = 0; i < f.length; i++) f[i] = (byte) (i * 7 + n);
            System.arraycopy(new byte[]{2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, (byte) 0x88, (byte) 0xb5}, 0, f, 0, 14);
            frames.add(f);
        }
        Path jumbo = work.resolve("jumbo.pcap");
        PcapFiles.write(jumbo, frames);
        try (XdpCapture c = XdpCapture.open(XdpCapture.Config.of(veth.receiver).withFrames(64))) {
            Assumptions.assumeTrue(c.sockets().getFirst().multiBuffer(), "this kernel has no AF_XDP multi-buffer (XDP_USE_SG, 6.6+)");
            assertEquals(frames.size(), veth.replay(jumbo));
            List<byte[]> got = collect(c.sockets().getFirst(), frames.size(), 5_000);
            assertEquals(frames.size(), got.size(), "frames: " + c.stats());
            for (int i = 0; i < got.size(); i++) assertArrayEquals(frames.get(i), got.get(i), "frame " + (i + 1) + " of " + lengths[i] + " bytes");
        }
    }

    @Test
    void aReaderThatDoesNotReadMakesTheKernelDropAndCount() throws Exception {
        try (XdpCapture c = XdpCapture.open(XdpCapture.Config.of(veth.receiver).withFrames(64))) {
            assertEquals(sampleFrames.size(), veth.replay(sample));
            // the veth hands frames on in its NAPI poll, after tcpreplay returned: wait (generously) for the count
            long end = System.currentTimeMillis() + 5_000;
            while (c.stats().drops() < sampleFrames.size() - 64 && System.currentTimeMillis() < end) Thread.sleep(20);
            XdpSocket.Stats s = c.stats();
            List<byte[]> got = collect(c.sockets().getFirst(), sampleFrames.size(), 500);
            assertEquals(64, got.size(), "the ring holds 64 frames: " + s);
            assertEquals(sampleFrames.size() - 64, s.drops(), "the rest dropped and counted: " + s);
            for (int i = 0; i < 64; i++) assertArrayEquals(sampleFrames.get(i).bytes(), got.get(i), "frame " + (i + 1));
        }
    }

    @Test
    void wakeupEndsAWaitingReceiveAtOnce() throws Exception {
        try (XdpCapture c = XdpCapture.open(XdpCapture.Config.of(veth.receiver).withFrames(64))) {
            XdpSocket s = c.sockets().getFirst();
            long t0 = System.nanoTime();
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                s.wakeup();
            });
            assertEquals(-1, s.receive((d, o, l) -> { }, -1));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 150 && ms < 1500, ms + " ms");
        }
    }

    /**
     * The kernel frees a closed socket's queue in deferred work: a socket bound right after another
     * closed can find the queue busy (EBUSY). Open and close back to back many times: each open must
     * succeed (the bind is retried) and still receive.
     */
    @Test
    void aCaptureOpensRightAfterAnotherClosedOnTheSameQueue() throws Exception {
        for (int round = 1; round <= 15; round++) {
            try (XdpCapture c = XdpCapture.open(XdpCapture.Config.of(veth.receiver).withFrames(64))) {
                if (round % 5 == 0) {
                    assertEquals(10, veth.replay(sample, "--topspeed", "--limit=10"), "round " + round);
                    List<byte[]> got = collect(c.sockets().getFirst(), 10, 5_000);
                    assertEquals(10, got.size(), "round " + round + ": " + c.stats());
                    assertArrayEquals(sampleFrames.get(9).bytes(), got.get(9), "round " + round);
                }
            }
        }
        assertFalse(linkShow(veth.receiver).contains("xdp"), "detached: " + linkShow(veth.receiver));
    }

    /** A queue another socket holds stays busy: the bind is retried for about 2 s, then refused in one line. */
    @Test
    void aQueueHeldByAnotherSocketIsRefusedAfterTheRetries() throws Exception {
        int ifindex = Integer.parseInt(Files.readString(Path.of("/sys/class/net", veth.receiver, "ifindex")).strip());
        try (XdpCapture c = XdpCapture.open(XdpCapture.Config.of(veth.receiver).withFrames(64))) {
            long t0 = System.nanoTime();
            PacketSocketException e = assertThrows(PacketSocketException.class,
                    () -> XdpSocket.open(veth.receiver, ifindex, 0, 64, 4096));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("EBUSY", e.errnoName(), e.getMessage());
            assertTrue(e.getMessage().contains("queue 0 of '" + veth.receiver + "' already has an AF_XDP socket"), e.getMessage());
            assertTrue(ms >= XdpSocket.BUSY_RETRY_MILLIS - 100, "retried for about 2 s before giving up: " + ms + " ms");
        }
    }

    @Test
    void aMissingInterfaceIsNamedWithTheOnesThatExist() {
        PacketSocketException e = assertThrows(PacketSocketException.class, () -> XdpCapture.open(XdpCapture.Config.of("nosuch0")));
        assertTrue(e.getMessage().startsWith("no network interface 'nosuch0' (there are: "), e.getMessage());
        assertEquals("ENODEV", e.errnoName());
    }
}
