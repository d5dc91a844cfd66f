package dev.cellscope.live;

import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;
import dev.cellscope.live.testing.VethPair;
import dev.cellscope.session.SourceException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every live backend must do, on a real interface: a veth pair whose far end (in a namespace
 * of its own) tcpreplay sends committed sample captures out of, captured here on the near end.
 * One subclass per backend ({@link PcapBackendTest}, {@code AfPacketBackendTest}) names it and adds
 * what only it has; the behaviour, messages included, is the same for all.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class LiveBackendBehaviour {
    static final Path SAMPLES = Path.of("..", "samples", "captures").toAbsolutePath().normalize();
    static final String CELL_FILTER = "ether proto 0x88b5 or udp port 34997";
    /** /sys/class/net/IF/flags: the interface is in promiscuous mode (linux/if.h). */
    private static final int IFF_PROMISC = 0x100;
    protected static VethPair veth;

    /** The backend under test, as {@code --backend} names it. */
    protected abstract String backend();

    @BeforeAll
    static void pair() throws Exception {
        veth = VethPair.createOrSkip("live capture on a veth pair");
    }

    @AfterAll
    static void remove() throws Exception {
        if (veth != null) veth.close();
        veth = null;
    }

    protected LiveSource open(LiveOptions options) throws SourceException {
        LiveSource s = Backends.get(backend()).open(options);
        assertEquals(backend(), s.backend());
        return s;
    }

    /** Reads until {@code n} frames came or {@code seconds} passed (then stops the source and takes what it has). */
    static List<Packet> read(LiveSource source, int n, long seconds) {
        Thread guard = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(seconds * 1000);
                source.stop();
            } catch (InterruptedException e) {
                // done in time
            }
        });
        List<Packet> got = new ArrayList<>();
        Packet p;
        while (got.size() < n && (p = source.next()) != null) got.add(p);
        guard.interrupt();
        return got;
    }

    static List<byte[]> frames(List<Packet> packets) {
        return packets.stream().map(p -> p.data().toArray(ValueLayout.JAVA_BYTE)).toList();
    }

    static List<byte[]> sampleFrames(Path file) throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(file)) {
            Packet p;
            while ((p = r.next()) != null) out.add(p.data().toArray(ValueLayout.JAVA_BYTE));
        }
        return out;
    }

    static void assertSameFrames(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size(), "frames captured");
        for (int i = 0; i < expected.size(); i++) {
            int n = i;
            assertArrayEquals(expected.get(i), actual.get(i), () -> "frame " + (n + 1) + " differs:\n  sent "
                    + HexFormat.of().formatHex(expected.get(n)) + "\n  got  " + HexFormat.of().formatHex(actual.get(n)));
        }
    }

    @Test
    void capturesEveryFrameOfTheSampleByteForByteInOrderWithNanosecondTimes() throws Exception {
        Path sample = SAMPLES.resolve("mixed-wire.pcapng");
        List<byte[]> sent = sampleFrames(sample);
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface))) {
            veth.replay(sample, "--topspeed");
            List<Packet> got = read(source, sent.size(), 10);
            assertSameFrames(sent, frames(got));
            assertEquals(1_000_000_000L, source.interfaces().getFirst().unitsPerSecond(), "nanosecond timestamps asked and given");
            assertEquals(1, source.interfaces().getFirst().linkType(), "Ethernet");
            long previous = 0, subMicro = 0;
            for (Packet p : got) {
                assertTrue(p.timestampNanos() >= previous, "timestamps do not go back");
                previous = p.timestampNanos();
                if (p.timestampNanos() % 1000 != 0) subMicro++;
                assertEquals(p.capturedLength(), p.originalLength());
            }
            long now = System.currentTimeMillis() * 1_000_000L;
            assertTrue(Math.abs(got.getFirst().timestampNanos() - now) < 60_000_000_000L, "capture time, not the sample's");
            assertTrue(subMicro > got.size() / 2, "nanosecond resolution: " + subMicro + " of " + got.size() + " times have sub-microsecond digits");
            assertEquals(got.size(), got.getLast().number(), "numbered from 1");
            source.stop();
            assertNull(source.next(), "stopped");
            CaptureStats s = source.stats();
            assertEquals(sent.size(), s.packets());
            assertEquals(sent.size(), s.kernelReceived(), "the kernel's count of frames for this capture: " + s);
            assertEquals(0, s.kernelDropped(), "kernel drops: " + s);
            assertEquals(0, s.interfaceDropped(), "interface drops: " + s);
            assertEquals(0, s.sourceDropped(), "backend drops: " + s);
        }
    }

    @Test
    void theSnaplenCutsFramesAndKeepsTheirLengthOnTheWire() throws Exception {
        Path sample = SAMPLES.resolve("mixed-wire.pcapng");
        List<byte[]> sent = sampleFrames(sample);
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface).withSnaplen(100))) {
            veth.replay(sample, "--topspeed");
            List<Packet> got = read(source, sent.size(), 10);
            assertEquals(sent.size(), got.size());
            for (int i = 0; i < sent.size(); i++) {
                byte[] whole = sent.get(i);
                Packet p = got.get(i);
                assertEquals(whole.length, p.originalLength(), "frame " + (i + 1) + ": its length on the wire");
                assertArrayEquals(java.util.Arrays.copyOf(whole, Math.min(100, whole.length)), p.data().toArray(ValueLayout.JAVA_BYTE),
                        "frame " + (i + 1) + ": its first 100 bytes");
            }
            assertTrue(sent.stream().anyMatch(f -> f.length > 100), "the sample has frames longer than the snaplen");
            assertEquals(100, source.interfaces().getFirst().snapLength());
        }
    }

    /** The kernel's own flag (/sys/class/net/IF/flags) is the oracle: on while the capture is open, unless -p. */
    @Test
    void promiscuousModeIsOnWhileOpenUnlessRefused() throws Exception {
        assertEquals(0, flags() & IFF_PROMISC, "not promiscuous before");
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface))) {
            assertEquals(IFF_PROMISC, flags() & IFF_PROMISC, "promiscuous while capturing");
        }
        assertEquals(0, flags() & IFF_PROMISC, "not promiscuous after close");
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface).withPromiscuous(false))) {
            assertEquals(0, flags() & IFF_PROMISC, "-p: not promiscuous");
        }
    }

    private static long flags() throws Exception {
        return Long.decode(Files.readString(Path.of("/sys/class/net", veth.captureInterface, "flags")).strip());
    }

    /**
     * tcpdump captures on the same interface with the same filter at the same time: the independent
     * answer. (Not tcpdump reading the sample offline: on a live interface the kernel has taken the
     * 802.1Q tag off a tagged frame before the filter runs, so {@code ether proto 0x88b5} also keeps
     * the sample's VLAN-tagged 0x88B5 frame; both backends put the tag back into the captured bytes.)
     */
    @Test
    void theCaptureFilterKeepsWhatTcpdumpKeepsAndDropsTheRest() throws Exception {
        Assumptions.assumeTrue(VethPair.which("tcpdump") != null, "tcpdump not found (Debian package tcpdump): it is the filter's oracle");
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        List<byte[]> all = sampleFrames(sample);
        Path oracle = Files.createTempFile("cellscope-tcpdump", ".pcap");
        Process tcpdump = new ProcessBuilder(VethPair.which("tcpdump"), "-i", veth.captureInterface, "-U", "-w", oracle.toString(), CELL_FILTER)
                .redirectErrorStream(true).redirectOutput(oracle.resolveSibling(oracle.getFileName() + ".log").toFile()).start();
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface).withFilter(CELL_FILTER))) {
            awaitListening(oracle.resolveSibling(oracle.getFileName() + ".log"));
            veth.replay(sample, "--topspeed");
            List<Packet> got = read(source, all.size(), 3); // waits out the time: a frame too many would show
            Thread.sleep(200);
            tcpdump.destroy(); // SIGTERM: tcpdump writes what it has and ends
            assertTrue(tcpdump.waitFor(10, TimeUnit.SECONDS));
            List<byte[]> kept = sampleFrames(oracle);
            assertTrue(kept.size() < all.size() && kept.size() > 40, "the filter keeps most of the sample, not all: " + kept.size());
            assertSameFrames(kept, frames(got));
            // the DNS query (udp port 53, frame 50) is one of those dropped
            assertTrue(frames(got).stream().noneMatch(f -> java.util.Arrays.equals(f, all.get(49))), "frame 50 (DNS) filtered out");
            assertEquals(kept.size(), source.stats().kernelReceived(), "the kernel counts only what the filter passed");
        } finally {
            tcpdump.destroyForcibly();
            Files.deleteIfExists(oracle);
            Files.deleteIfExists(oracle.resolveSibling(oracle.getFileName() + ".log"));
        }
    }

    static void awaitListening(Path log) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (Files.exists(log) && Files.readString(log).contains("listening on")) return;
            Thread.sleep(20);
        }
        throw new AssertionError("tcpdump did not start listening: " + (Files.exists(log) ? Files.readString(log) : ""));
    }

    @Test
    void aFilterLibpcapCannotCompileIsOneLineWithLibpcapsReason() {
        SourceException e = assertThrows(SourceException.class,
                () -> open(LiveOptions.of(veth.captureInterface).withFilter("ether proto 0x88b5 or udp prot 34997")));
        assertEquals("bad capture filter 'ether proto 0x88b5 or udp prot 34997': can't parse filter expression: syntax error", e.getMessage());
    }

    @Test
    void aFilterIsCheckedBeforeAnythingOpens() throws Exception {
        LiveBackend b = Backends.get(backend());
        assertEquals(java.util.Optional.empty(), b.checkFilter(CELL_FILTER));
        assertEquals("bad capture filter 'ether proto 0x88b5 or': can't parse filter expression: syntax error",
                b.checkFilter("ether proto 0x88b5 or").orElseThrow());
    }

    @Test
    void anInterfaceThatDoesNotExistIsNamedWithTheOnesThatDo() {
        SourceException e = assertThrows(SourceException.class, () -> open(LiveOptions.of("nosuch0")));
        assertTrue(e.getMessage().startsWith("nosuch0: no such interface (here: "), e.getMessage());
        assertTrue(e.getMessage().contains(veth.captureInterface), e.getMessage());
        assertTrue(e.getMessage().endsWith("; cellscope read -D lists them)"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    /** A second veth pair, left down (as ip link add leaves it): refused at open with the command that fixes it. */
    @Test
    void anInterfaceThatIsDownIsRefusedNamingTheFix() throws Exception {
        long pid = ProcessHandle.current().pid();
        String down = "cd" + pid + "a", peer = "cd" + pid + "b";
        VethPair.Result made = VethPair.run("ip", "link", "add", down, "type", "veth", "peer", "name", peer);
        assertEquals(0, made.exit(), made.output());
        try {
            SourceException e = assertThrows(SourceException.class, () -> open(LiveOptions.of(down)));
            assertEquals(down + ": the interface is down: bring it up (ip link set " + down + " up)", e.getMessage());
        } finally {
            VethPair.run("ip", "link", "del", down);
        }
    }

    /**
     * The interface is deleted under a running capture: the source ends (a reader waiting gets null)
     * and says why. (Down alone does not end it: frames come again when it is up.)
     */
    @Test
    void anInterfaceGoingAwayEndsTheCaptureWithAReason() throws Exception {
        long pid = ProcessHandle.current().pid();
        String a = "cg" + pid + "a", peer = "cg" + pid + "b";
        VethPair.Result made = VethPair.run("ip", "link", "add", a, "type", "veth", "peer", "name", peer);
        assertEquals(0, made.exit(), made.output());
        try {
            assertEquals(0, VethPair.run("ip", "link", "set", a, "up").exit());
            assertEquals(0, VethPair.run("ip", "link", "set", peer, "up").exit());
            try (LiveSource source = open(LiveOptions.of(a))) {
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(300);
                        VethPair.run("ip", "link", "del", a);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                long t0 = System.nanoTime();
                while (source.next() != null) {
                    // the kernel's own frames (IPv6 router solicitations of the new link) may come first
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 250 && ms < 5000, "ended " + ms + " ms after open");
                assertTrue(source.error().isPresent(), "a reason");
                String why = source.error().get().message();
                assertTrue(!why.isBlank() && !why.contains("\n"), why);
            }
        } finally {
            VethPair.run("ip", "link", "del", a);
        }
    }

    @Test
    void theInterfaceListHasTheVethUpAndRunning() throws Exception {
        List<CaptureInterface> all = Interfaces.list(backend());
        CaptureInterface mine = all.stream().filter(i -> i.name().equals(veth.captureInterface)).findFirst()
                .orElseThrow(() -> new AssertionError(veth.captureInterface + " not listed"));
        assertTrue(mine.up() && mine.running() && !mine.loopback(), mine.toString());
        CaptureInterface lo = all.stream().filter(i -> i.name().equals("lo")).findFirst().orElseThrow();
        assertTrue(lo.loopback() && lo.addresses().contains("127.0.0.1"), lo.toString());
        String mac = Files.readString(Path.of("/sys/class/net", veth.captureInterface, "address")).strip();
        assertTrue(mine.addresses().contains(mac), "the MAC " + mac + " among " + mine.addresses());
    }

    @Test
    void cancelWakesAReaderWaitingOnAQuietInterface() throws Exception {
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface))) {
            long t0 = System.nanoTime();
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException ignored) {
                    return;
                }
                source.cancel();
            });
            assertNull(source.next());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 250 && ms < 1500, "next() returned after " + ms + " ms");
        }
    }

    @Test
    void stopDeliversWhatWasCapturedThenEnds() throws Exception {
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        List<byte[]> sent = sampleFrames(sample);
        LiveSource kept;
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface))) {
            kept = source;
            veth.replay(sample, "--topspeed");
            Thread.sleep(300); // the kernel has handed every frame over (the buffer timeout is 100 ms)
            source.stop();
            List<Packet> got = new ArrayList<>();
            Packet p;
            while ((p = source.next()) != null) got.add(p);
            assertSameFrames(sent, frames(got));
            assertEquals(sent.size(), source.stats().packets());
        }
        CaptureStats after = kept.stats(); // the counters stay readable after close
        assertEquals(sent.size(), after.packets());
        assertEquals(sent.size(), after.kernelReceived());
    }

    /** Stopped at once after the replay: the frames still in the block the kernel was filling come too. */
    @Test
    void stopRightAfterTheLastFrameStillDeliversIt() throws Exception {
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        List<byte[]> sent = sampleFrames(sample);
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface).withBufferTimeoutMillis(200))) {
            List<Packet> got = new ArrayList<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                Packet p;
                while ((p = source.next()) != null) got.add(p);
            });
            veth.replay(sample, "--topspeed"); // returns once sent: the kernel still holds them in a part-filled block
            source.stop();
            reader.join(5000);
            assertTrue(!reader.isAlive(), "next() ended after stop()");
            assertSameFrames(sent, frames(got));
        }
    }
}
