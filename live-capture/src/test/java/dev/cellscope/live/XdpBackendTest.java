package dev.cellscope.live;

import dev.cellscope.io.Packet;
import dev.cellscope.live.testing.VethPair;
import dev.cellscope.session.SourceException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AF_XDP backend ({@code --backend xdp}) does what every backend does ({@link LiveBackendBehaviour})
 * on the veth pair (native XDP: veth runs the program in its driver), and what only it has: the XDP
 * program on the interface only while a capture is open ({@code ip link show} is the oracle), the
 * kernel's XDP_STATISTICS drop counts when the reader stalls, frames longer than a UMEM chunk.
 */
class XdpBackendTest extends LiveBackendBehaviour {

    @BeforeAll
    static void libxdpInstalled() {
        LiveBackend.Availability a = Backends.all().stream().filter(b -> b.name().equals("xdp")).findFirst().orElseThrow().available();
        Assumptions.assumeTrue(a.ok(), () -> "AF_XDP cannot run here: " + a.reason());
    }

    @Override
    protected String backend() {
        return "xdp";
    }

    private static String linkShow(String ifname) throws Exception {
        return VethPair.run("ip", "link", "show", ifname).output();
    }

    /** ip link show has "xdp" (the mode flag and the prog/xdp line) while a program is attached. */
    private static boolean hasXdp(String ifname) throws Exception {
        return linkShow(ifname).contains("xdp");
    }

    @Test
    void theProgramIsOnTheInterfaceOnlyWhileTheCaptureIsOpen() throws Exception {
        assertFalse(hasXdp(veth.captureInterface), "none before: " + linkShow(veth.captureInterface));
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface))) {
            assertTrue(hasXdp(veth.captureInterface), "attached while open: " + linkShow(veth.captureInterface));
        }
        assertFalse(hasXdp(veth.captureInterface), "detached at close: " + linkShow(veth.captureInterface));
    }

    /**
     * Frames redirected by XDP reach no other capture, so tcpdump cannot watch alongside (as the shared
     * test has it): it captures the same replay with the same filter first, alone, and is the answer
     * for the second replay through our filter. The program is compiled on the interface as tcpdump
     * compiles it, and the interpreter sees the frame as a socket filter does (an outer VLAN tag out).
     */
    @Override
    @Test
    void theCaptureFilterKeepsWhatTcpdumpKeepsAndDropsTheRest() throws Exception {
        Assumptions.assumeTrue(VethPair.which("tcpdump") != null, "tcpdump not found (Debian package tcpdump): it is the filter's oracle");
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        List<byte[]> all = sampleFrames(sample);
        Path oracle = Files.createTempFile("cellscope-tcpdump", ".pcap");
        Path log = oracle.resolveSibling(oracle.getFileName() + ".log");
        Process tcpdump = new ProcessBuilder(VethPair.which("tcpdump"), "-i", veth.captureInterface, "-U", "-w", oracle.toString(), CELL_FILTER)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitListening(log);
            veth.replay(sample, "--topspeed");
            Thread.sleep(2500); // more than libpcap's 1 s block timeout: the last block reached tcpdump
            tcpdump.destroy(); // SIGTERM: tcpdump writes what it has and ends
            assertTrue(tcpdump.waitFor(10, TimeUnit.SECONDS));
            List<byte[]> kept = sampleFrames(oracle);
            assertTrue(kept.size() < all.size() && kept.size() > 40, "the filter keeps most of the sample, not all: " + kept.size()
                    + "; tcpdump: " + Files.readString(log) + "; " + linkShow(veth.captureInterface));
            try (LiveSource source = open(LiveOptions.of(veth.captureInterface).withFilter(CELL_FILTER))) {
                veth.replay(sample, "--topspeed");
                List<Packet> got = read(source, all.size(), 3); // waits out the time: a frame too many would show
                assertSameFrames(kept, frames(got));
                assertTrue(frames(got).stream().noneMatch(f -> java.util.Arrays.equals(f, all.get(49))), "frame 50 (DNS) filtered out");
                assertEquals(kept.size(), source.stats().kernelReceived(), "received counts only what the filter passed: " + source.stats());
            }
        } finally {
            tcpdump.destroyForcibly();
            Files.deleteIfExists(oracle);
            Files.deleteIfExists(log);
        }
    }

    /**
     * A reader that stalls: the capture thread's queue fills, the fill ring empties, the kernel drops
     * and counts (XDP_STATISTICS). Every frame is accounted for: received = delivered + dropped, and
     * what was delivered is the sample's frames in order (the first ones whole).
     */
    @Test
    void aStalledReaderMakesTheKernelDropAndEveryFrameIsCounted() throws Exception {
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        List<byte[]> once = sampleFrames(sample);
        int loops = 100;
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface).withRing(new LiveOptions.Ring(4096, 64)))) {
            veth.replay(sample, "--topspeed", "--loop=" + loops);
            Thread.sleep(300);
            source.stop();
            List<Packet> got = new ArrayList<>();
            Packet p;
            while ((p = source.next()) != null) got.add(p);
            CaptureStats s = source.stats();
            assertEquals((long) once.size() * loops, s.kernelReceived(), "every frame sent reached the socket or was counted dropped: " + s);
            assertTrue(s.kernelDropped() > 0, "the ring overflowed: " + s);
            assertEquals(s.kernelReceived() - s.kernelDropped(), got.size(), "delivered = received - dropped: " + s);
            assertEquals(got.size(), s.packets());
            assertEquals(0, s.sourceDropped());
            for (int i = 0; i < 10; i++) assertArrayEquals(once.get(i), got.get(i).data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), "frame " + (i + 1));
            Set<String> known = new HashSet<>();
            for (byte[] f : once) known.add(HexFormat.of().formatHex(f));
            for (byte[] f : frames(got)) assertTrue(known.contains(HexFormat.of().formatHex(f)), "a frame of the sample, whole");
        }
    }

    /** Frames up to the pair's 9000 MTU arrive whole: longer than a 4 KiB chunk, they come in several descriptors, joined. */
    @Test
    void jumboFramesArriveWhole(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.util.Random random = new java.util.Random(14);
        List<byte[]> sent = new ArrayList<>();
        for (int length : new int[]{9014, 4000, 4096, 4097, 60, 8999}) {
            byte[] f = new byte[length];
            random.nextBytes(f);
            byte[] header = HexFormat.of().parseHex("02000000aa0102000000bb0188b5"); // unicast MACs, EtherType 0x88B5
            System.arraycopy(header, 0, f, 0, header.length);
            sent.add(f);
        }
        Path pcap = dir.resolve("jumbo.pcap");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24 + sent.stream().mapToInt(f -> 16 + f.length).sum()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1); // pcap, Ethernet
        for (byte[] f : sent) b.putInt(1).putInt(0).putInt(f.length).putInt(f.length).put(f);
        Files.write(pcap, b.array());
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface))) {
            veth.replay(pcap, "--topspeed");
            List<Packet> got = read(source, sent.size(), 10);
            assertSameFrames(sent, frames(got));
            for (int i = 0; i < sent.size(); i++) assertEquals(sent.get(i).length, got.get(i).originalLength());
        }
    }

    /** Another XDP program, attached without libxdp's dispatcher (as ip does), cannot be shared: one line naming the fix, nothing left behind. */
    @Test
    void anotherXdpProgramOnTheInterfaceIsRefusedNamingTheFix() throws Exception {
        Path object = Path.of("/usr/lib/x86_64-linux-gnu/bpf/xsk_def_xdp_prog.o");
        Assumptions.assumeTrue(Files.exists(object), "libxdp1's " + object + " not found: it is the foreign program");
        VethPair.Result r = VethPair.run("ip", "link", "set", "dev", veth.captureInterface, "xdpgeneric", "obj", object.toString(), "sec", "xdp");
        Assumptions.assumeTrue(r.exit() == 0, () -> "ip cannot attach an XDP program here: " + r.output());
        try {
            String before = linkShow(veth.captureInterface);
            SourceException e = assertThrows(SourceException.class, () -> open(LiveOptions.of(veth.captureInterface)));
            assertTrue(e.getMessage().startsWith(veth.captureInterface + ": '" + veth.captureInterface + "' already has an XDP program that libxdp cannot share"
                    + " (remove it: xdp-loader unload " + veth.captureInterface + " --all; Debian package xdp-tools)"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertEquals(before.replaceAll("\\s+", " "), linkShow(veth.captureInterface).replaceAll("\\s+", " "), "the foreign program untouched");
            long promisc = Long.decode(Files.readString(Path.of("/sys/class/net", veth.captureInterface, "flags")).strip()) & 0x100;
            assertEquals(0, promisc, "promiscuous mode not left on");
        } finally {
            VethPair.run("ip", "link", "set", "dev", veth.captureInterface, "xdpgeneric", "off");
        }
        assertFalse(hasXdp(veth.captureInterface));
        // and a capture opens at once afterwards (the sockets of the refused attempt freed their queue)
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface))) {
            assertTrue(hasXdp(veth.captureInterface));
        }
    }

    @Test
    void fanoutIsRefusedInOneLine() {
        SourceException e = assertThrows(SourceException.class, () -> open(LiveOptions.of(veth.captureInterface)
                .withFanout(new LiveOptions.Fanout(7, "hash", 2))));
        assertEquals(veth.captureInterface + ": the xdp backend reads every receive queue of the interface itself (a socket and a thread each):"
                + " no PACKET_FANOUT (use --backend afpacket)", e.getMessage());
    }

    @Test
    void aRingThatIsNoPowerOfTwoIsOneLineNamingTheFix() {
        SourceException e = assertThrows(SourceException.class, () -> open(LiveOptions.of(veth.captureInterface).withRing(new LiveOptions.Ring(4096, 100))));
        assertEquals(veth.captureInterface + ": an AF_XDP ring of 100 frames: it must be a power of two in 64..1048576: change LiveOptions.Ring's block count",
                e.getMessage());
    }

    @Test
    void capturesOneAfterAnotherOnTheSameQueue() throws Exception {
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        List<byte[]> sent = sampleFrames(sample);
        for (int round = 0; round < 3; round++) {
            try (LiveSource source = open(LiveOptions.of(veth.captureInterface))) {
                veth.replay(sample, "--topspeed");
                assertSameFrames(sent, frames(read(source, sent.size(), 10)));
            }
        }
    }

    @Test
    void microsecondPrecisionWhenAskedFor() throws Exception {
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        List<byte[]> sent = sampleFrames(sample);
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface).withPrecision(LiveOptions.TimestampPrecision.MICRO))) {
            veth.replay(sample, "--topspeed");
            List<Packet> got = read(source, sent.size(), 10);
            assertEquals(sent.size(), got.size());
            assertEquals(1_000_000L, source.interfaces().getFirst().unitsPerSecond());
            for (Packet p : got) assertEquals(0, p.timestampNanos() % 1000, "whole microseconds");
            source.stop();
            assertNull(source.next());
        }
    }

    /**
     * Frames of {@code flows} UDP flows ({@code perFlow} each, interleaved), each frame unique (flow and
     * sequence number in the payload), written as a pcap: the sending veth end hashes each flow onto one
     * of its transmit queues, and the capturing end receives on the queue of the same number.
     */
    static Path flowsCapture(Path dir, int flows, int perFlow) throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < perFlow; i++) {
            for (int f = 0; f < flows; f++) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(14 + 20 + 8 + 32);
                b.put(HexFormat.of().parseHex("02000000aa0102000000bb010800")); // unicast MACs, IPv4
                b.put(HexFormat.of().parseHex("4500003c000040004011")).putShort((short) 0) // checksum filled in below
                        .put(new byte[]{10, 0, 0, 1}).put(new byte[]{10, 0, (byte) (f >> 8), (byte) (f + 2)});
                b.putShort((short) (20000 + f)).putShort((short) 40000).putShort((short) 40).putShort((short) 0);
                b.putInt(f).putInt(i).put(new byte[24]);
                byte[] frame = b.array();
                int sum = 0;
                for (int k = 14; k < 34; k += 2) sum += ((frame[k] & 0xff) << 8) | (frame[k + 1] & 0xff);
                while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
                frame[24] = (byte) (~sum >> 8);
                frame[25] = (byte) ~sum;
                frames.add(frame);
            }
        }
        Path pcap = dir.resolve("flows.pcap");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24 + frames.stream().mapToInt(f -> 16 + f.length).sum()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        for (byte[] f : frames) b.putInt(1).putInt(0).putInt(f.length).putInt(f.length).put(f);
        Files.write(pcap, b.array());
        return pcap;
    }

    /** ethtool -S's rx_queue_N_xdp_redirect of a veth: frames its XDP program redirected on queue N (the kernel's own count). */
    static long[] redirectedPerQueue(String ifname, int queues) throws Exception {
        VethPair.Result r = VethPair.run("ethtool", "-S", ifname);
        assertEquals(0, r.exit(), r.output());
        long[] n = new long[queues];
        for (String line : r.output().split("\n")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*rx_queue_(\\d+)_xdp_redirect: (\\d+)").matcher(line);
            if (m.matches() && Integer.parseInt(m.group(1)) < queues) n[Integer.parseInt(m.group(1))] = Long.parseLong(m.group(2));
        }
        return n;
    }

    private static List<String> sortedHex(List<byte[]> frames) {
        return frames.stream().map(HexFormat.of()::formatHex).sorted().toList();
    }

    /**
     * A veth of 4 queues: a socket and thread per queue, every frame of 64 flows captured exactly once
     * (order holds within a queue only, so compared as sorted lists), spread over more than one queue,
     * and each queue's count equal to what the kernel's XDP counted redirected on that queue (ethtool -S).
     */
    @Test
    void everyQueueOfAMultiQueueVethIsReadAndEveryFrameCapturedOnce(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(VethPair.which("ethtool") != null, "ethtool not found (Debian package ethtool): its per-queue XDP counters are the oracle");
        int queues = 4;
        Path pcap = flowsCapture(dir, 64, 8);
        List<byte[]> sent = sampleFrames(pcap);
        try (VethPair four = VethPair.create(queues)) {
            long[] before = redirectedPerQueue(four.captureInterface, queues);
            try (LiveSource source = open(LiveOptions.of(four.captureInterface))) {
                assertEquals("XDP native, copy mode, 4 queues, busy poll off", source.mode());
                four.replay(pcap, "--pps=5000");
                List<Packet> got = read(source, sent.size(), 20);
                assertEquals(sortedHex(sent), sortedHex(frames(got)), "every frame once");
                source.stop();
                assertNull(source.next(), "nothing more: no frame twice");
                List<LiveSource.QueueStats> perQueue = source.queueStats();
                System.err.println("XdpBackendTest: 64 flows over 4 queues: " + perQueue);
                assertEquals(List.of(0, 1, 2, 3), perQueue.stream().map(LiveSource.QueueStats::queue).toList());
                long[] after = redirectedPerQueue(four.captureInterface, queues);
                for (LiveSource.QueueStats q : perQueue) {
                    assertEquals(after[q.queue()] - before[q.queue()], q.frames(), "queue " + q.queue() + " as ethtool -S counted: " + perQueue);
                    assertEquals(0, q.dropped(), "queue " + q.queue());
                }
                assertEquals(sent.size(), perQueue.stream().mapToLong(LiveSource.QueueStats::frames).sum(), perQueue.toString());
                assertTrue(perQueue.stream().filter(q -> q.frames() > 0).count() > 1, "64 flows hash onto more than one queue: " + perQueue);
                assertEquals(sent.size(), source.stats().packets());
            }
            assertFalse(hasXdp(four.captureInterface), "detached at close");
        }
    }

    /** {@code --queues 2} on a 4-queue veth reads queues 0 and 1 only; asking for more queues than there are is one line. */
    @Test
    void queuesLimitTheSocketsAndMoreThanThereAreIsRefused() throws Exception {
        try (VethPair four = VethPair.create(4)) {
            try (LiveSource source = open(LiveOptions.of(four.captureInterface).withQueues(2))) {
                assertEquals("XDP native, copy mode, 2 queues, busy poll off", source.mode());
                assertEquals(List.of(0, 1), source.queueStats().stream().map(LiveSource.QueueStats::queue).toList());
            }
            SourceException e = assertThrows(SourceException.class, () -> open(LiveOptions.of(four.captureInterface).withQueues(5)));
            assertEquals(four.captureInterface + ": '" + four.captureInterface + "' has 4 receive queues, not 5 (ethtool -l " + four.captureInterface
                    + " shows them; a veth gets more with numrxqueues N at creation)", e.getMessage());
            assertFalse(hasXdp(four.captureInterface), "nothing left attached");
        }
    }

    /**
     * Busy polling on: said in the mode, the socket options really set (a kernel that refused them
     * would fail the open), and the sample still captured whole and in order.
     */
    @Test
    void busyPollingCapturesTheSampleAndSaysSo() throws Exception {
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        List<byte[]> sent = sampleFrames(sample);
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface).withBusyPoll(true))) {
            assertEquals("XDP native, copy mode, 1 queue, busy poll on", source.mode());
            veth.replay(sample, "--topspeed");
            assertSameFrames(sent, frames(read(source, sent.size(), 10)));
            assertEquals(List.of(), source.queueStats().stream().filter(q -> q.dropped() != 0).toList());
        }
    }
}
