package dev.cellscope.live;

import dev.cellscope.io.Packet;
import dev.cellscope.session.SourceException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DPDK backend ({@code --backend dpdk}) does what every backend does ({@link LiveBackendBehaviour}),
 * here through DPDK's {@code net_af_packet} virtual device on the veth pair, all in this one JVM: the
 * EAL starts once, at the first open, and every capture hot-plugs a device of its own into it.
 * What it lacks is said instead: no capture filter. What only it has: DPDK's drop counters.
 */
class DpdkBackendTest extends LiveBackendBehaviour {

    @BeforeAll
    static void dpdkInstalled() {
        LiveBackend.Availability a = Backends.all().stream().filter(b -> b.name().equals("dpdk")).findFirst().orElseThrow().available();
        Assumptions.assumeTrue(a.ok(), () -> "DPDK cannot run here: " + a.reason());
    }

    @Override
    protected String backend() {
        return "dpdk";
    }

    /** DPDK hands over every frame of the port: a capture filter is refused before anything opens, naming the alternatives. */
    @Override
    @Test
    void theCaptureFilterKeepsWhatTcpdumpKeepsAndDropsTheRest() {
        SourceException e = assertThrows(SourceException.class, () -> open(LiveOptions.of(veth.captureInterface).withFilter(CELL_FILTER)));
        assertEquals("the dpdk backend has no capture filter (-f): DPDK hands over every frame of the port;"
                + " use a display filter (-Y), or --backend afpacket for a kernel BPF filter", e.getMessage());
    }

    @Override
    @Test
    void aFilterLibpcapCannotCompileIsOneLineWithLibpcapsReason() {
        SourceException e = assertThrows(SourceException.class,
                () -> open(LiveOptions.of(veth.captureInterface).withFilter("ether proto 0x88b5 or udp prot 34997")));
        assertTrue(e.getMessage().startsWith("the dpdk backend has no capture filter (-f)"), e.getMessage());
    }

    @Override
    @Test
    void aFilterIsCheckedBeforeAnythingOpens() throws Exception {
        LiveBackend b = Backends.get(backend());
        assertTrue(b.checkFilter(CELL_FILTER).orElseThrow().startsWith("the dpdk backend has no capture filter (-f)"));
        assertEquals(java.util.Optional.empty(), b.checkFilter(null));
    }

    /**
     * A reader that stalls: the capture thread's queue fills, the driver's ring fills, the kernel
     * drops into the ring's {@code tp_drops}, which DPDK reports as {@code imissed}. Every frame is
     * accounted for: received = delivered + dropped, and the frames delivered are the sample's, whole.
     */
    @Test
    void aStalledReaderMakesThePortDropAndEveryFrameIsCounted() throws Exception {
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        List<byte[]> once = sampleFrames(sample);
        int loops = 400;
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface))) {
            veth.replay(sample, "--topspeed", "--loop=" + loops);
            Thread.sleep(300);
            source.stop();
            List<Packet> got = new ArrayList<>();
            Packet p;
            while ((p = source.next()) != null) got.add(p);
            CaptureStats s = source.stats();
            assertEquals((long) once.size() * loops, s.kernelReceived(), "every frame sent reached the port: " + s);
            assertTrue(s.kernelDropped() > 0, "the ring overflowed: " + s);
            assertEquals(s.kernelReceived() - s.kernelDropped(), got.size(), "delivered = received - dropped: " + s);
            assertEquals(got.size(), s.packets());
            for (int i = 0; i < 10; i++) assertArrayEquals(once.get(i), got.get(i).data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), "frame " + (i + 1));
            Set<String> known = new HashSet<>();
            for (byte[] f : once) known.add(HexFormat.of().formatHex(f));
            for (byte[] f : frames(got)) assertTrue(known.contains(HexFormat.of().formatHex(f)), "a frame of the sample, whole");
        }
    }

    /**
     * The af_packet driver's socket hears every interface until it is bound to one: traffic on another
     * veth pair while captures open must not reach them (the port's ring is emptied right after start).
     * Each capture's first frames are exactly the sample's, and nothing else follows.
     */
    @Test
    void framesOfAnotherInterfaceDoNotLeakIntoACaptureOpenedMeanwhile() throws Exception {
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        List<byte[]> sent = sampleFrames(sample);
        try (dev.cellscope.live.testing.VethPair other = dev.cellscope.live.testing.VethPair.create()) {
            List<String> cmd = new ArrayList<>(other.inNamespace());
            cmd.addAll(List.of("tcpreplay", "-i", other.sendInterface, "--topspeed", "--loop=0", SAMPLES.resolve("mixed-wire.pcapng").toString()));
            for (int round = 1; round <= 3; round++) {
                Process noise = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                try (LiveSource source = open(waitAndOpen(noise))) {
                    noise.destroy();
                    noise.waitFor();
                    veth.replay(sample, "--topspeed");
                    List<Packet> got = read(source, sent.size() + 1, 3); // one more than sent: waits out 3 s, a stray frame would show
                    assertEquals(sent.size(), got.size(), "round " + round + ": " + source.stats());
                    assertSameFrames(sent, frames(got));
                    assertEquals(sent.size(), source.stats().kernelReceived(), "round " + round + ", counters of this capture only: " + source.stats());
                    assertEquals(0, source.stats().kernelDropped(), "round " + round + ", counters of this capture only: " + source.stats());
                } finally {
                    noise.destroyForcibly().waitFor();
                }
            }
        }
    }

    /** The options for the capture, once the noise has been flowing a moment. */
    private static LiveOptions waitAndOpen(Process noise) throws InterruptedException {
        Thread.sleep(300);
        assertTrue(noise.isAlive(), "tcpreplay sends on the other pair");
        return LiveOptions.of(veth.captureInterface);
    }

    /** Captures one after another in one process: the EAL is reused, each capture's device is removed at close. */
    @Test
    void capturesOneAfterAnotherShareTheEal() throws Exception {
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        List<byte[]> sent = sampleFrames(sample);
        for (int round = 0; round < 3; round++) {
            try (LiveSource source = open(LiveOptions.of(veth.captureInterface))) {
                veth.replay(sample, "--topspeed");
                assertSameFrames(sent, frames(read(source, sent.size(), 10)));
            }
        }
    }

    /**
     * {@code -i af_xdp:IF}: the same interface through DPDK's AF_XDP driver (libxdp's program on the veth) gives the same frames.
     * Then, in the same capture, more frames than the port's pool holds (over three times its 8191 mbufs, at a moderate rate):
     * the driver recycles the pool's mbufs as the kernel's UMEM frames, and every frame must still arrive. Before the pool
     * was packed for the driver (DpdkPort's packed pool), the capture stopped after 4,736 frames and the kernel dropped the
     * rest. (One test, one af_xdp port: a second af_xdp port in one process cannot make its socket, see live-capture's README.)
     */
    @Test
    void theAfXdpDeviceCapturesTheSampleToo(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path sample = SAMPLES.resolve("mixed-wire.pcapng");
        List<byte[]> sent = sampleFrames(sample);
        assertTrue(sent.stream().allMatch(f -> f.length <= 1514), "the sample fits a 1500 MTU");
        SourceException jumbo = assertThrows(SourceException.class, () -> open(LiveOptions.of("af_xdp:" + veth.captureInterface)));
        assertEquals("af_xdp:" + veth.captureInterface + ": DPDK port " + jumbo.getMessage().split(" ")[3]
                + " rte_eth_rx_queue_setup failed (libbpf: Kernel error message: veth: Peer MTU is too large to set XDP)", jumbo.getMessage(),
                "at the pair's 9000 MTU: libbpf's reason, taken from DPDK's log (it printed it, and 250 lines more, on stderr)");
        mtu(1500);
        try (LiveSource source = open(LiveOptions.of("af_xdp:" + veth.captureInterface))) {
            veth.replay(sample, "--topspeed");
            assertSameFrames(sent, frames(read(source, sent.size(), 10)));
            assertEquals(sent.size(), source.stats().kernelReceived(), source.stats().toString());

            List<byte[]> many = numberedFrames(3 * 8191 + 1000);
            Path pcap = writePcap(dir.resolve("many.pcap"), many);
            // read while sending (the source's queue does not hold them all), at a moderate rate (about 6 s)
            // that a loaded two-core box keeps up with: a loss is the driver's
            var reading = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(source, many.size(), 60));
            veth.replay(pcap, "--pps=4000");
            List<byte[]> got = frames(reading.get());
            assertEquals(many.size(), got.size(), "frames captured past the pool's size (" + source.stats() + ")");
            assertSameFrames(many, got);
        } finally {
            mtu(9000);
        }
        assertTrue(!dev.cellscope.live.testing.VethPair.run("ip", "link", "show", veth.captureInterface).output().contains("xdp"),
                "the XDP program is gone after close");
    }

    /**
     * A capture through DPDK's af_xdp driver on an interface that already has an XDP program (another capture's, or,
     * here, one attached by ip as a stand-in) is refused in one line before the driver touches the interface, and the
     * program stays. Fails without the check: the driver joined the program, failed to make its socket ("Failed to
     * create xsk socket") and detached the interface's program, so the capture that owned it got nothing (review).
     * (Not the xdp backend as the first capture here: loading libxdp through it silences libbpf's messages for the
     * whole process, which theAfXdpDeviceCapturesTheSampleToo quotes.)
     */
    @Test
    void anAfXdpCaptureLeavesAnotherXdpProgramAlone() throws Exception {
        Path object = Path.of("/usr/lib/x86_64-linux-gnu/bpf/xsk_def_xdp_prog.o");
        Assumptions.assumeTrue(java.nio.file.Files.exists(object), "libxdp1's " + object + " not found: it is the other program");
        dev.cellscope.live.testing.VethPair.Result r = dev.cellscope.live.testing.VethPair.run("ip", "link", "set", "dev", veth.captureInterface,
                "xdpgeneric", "obj", object.toString(), "sec", "xdp");
        Assumptions.assumeTrue(r.exit() == 0, () -> "ip cannot attach an XDP program here: " + r.output());
        try {
            String before = dev.cellscope.live.testing.VethPair.run("ip", "link", "show", veth.captureInterface).output();
            SourceException e = assertThrows(SourceException.class, () -> open(LiveOptions.of("af_xdp:" + veth.captureInterface)));
            assertTrue(e.getMessage().matches("af_xdp:" + veth.captureInterface + ": '" + veth.captureInterface + "' already has an XDP program \\(id \\d+:"
                    + " another capture's, or one loaded by hand\\), which DPDK's af_xdp driver would remove; stop that capture, or remove the program"
                    + " \\(xdp-loader unload " + veth.captureInterface + " --all; Debian package xdp-tools\\)"), e.getMessage());
            assertEquals(before.replaceAll("\\s+", " "), dev.cellscope.live.testing.VethPair.run("ip", "link", "show", veth.captureInterface).output()
                    .replaceAll("\\s+", " "), "the program is as it was");
        } finally {
            dev.cellscope.live.testing.VethPair.run("ip", "link", "set", "dev", veth.captureInterface, "xdpgeneric", "off");
        }
    }

    /**
     * Promiscuous mode is a membership the kernel counts, as with the other backends, never the interface's own
     * IFF_PROMISC (which `ip link` shows): DPDK set that flag, so a capture killed with SIGKILL left the interface
     * promiscuous for good, and one that ended cleared the flag an administrator had set (review). Fails with
     * rte_eth_promiscuous_enable: `ip link` shows PROMISC while capturing, and none after with the administrator's flag.
     */
    @Test
    void promiscuousModeIsHeldNotSetAndAnAdministratorsFlagStays() throws Exception {
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface))) {
            assertTrue(!linkFlags().contains("PROMISC"), "the interface's own flag is not set while capturing: " + linkFlags());
        }
        assertEquals(0, dev.cellscope.live.testing.VethPair.run("ip", "link", "set", veth.captureInterface, "promisc", "on").exit());
        try {
            for (boolean promiscuous : new boolean[]{true, false}) {
                try (LiveSource source = open(LiveOptions.of(veth.captureInterface).withPromiscuous(promiscuous))) {
                    assertTrue(linkFlags().contains("PROMISC"), "while capturing: " + linkFlags());
                }
                assertTrue(linkFlags().contains("PROMISC"), "the administrator's flag after a capture (promiscuous " + promiscuous + "): " + linkFlags());
            }
        } finally {
            dev.cellscope.live.testing.VethPair.run("ip", "link", "set", veth.captureInterface, "promisc", "off");
        }
    }

    /** The interface's flags as `ip link` shows them (IFF_PROMISC as set on the interface, not the memberships). */
    private static String linkFlags() throws Exception {
        String out = dev.cellscope.live.testing.VethPair.run("ip", "link", "show", veth.captureInterface).output();
        return out.substring(out.indexOf('<'), out.indexOf('>') + 1);
    }

    /** {@code n} distinct 200-byte Ethernet frames, each with its number after the header. */
    private static List<byte[]> numberedFrames(int n) {
        byte[] header = HexFormat.of().parseHex("02000000aa0102000000bb0188b5"); // unicast MACs, EtherType 0x88B5
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] f = new byte[200];
            System.arraycopy(header, 0, f, 0, header.length);
            java.nio.ByteBuffer.wrap(f).putInt(header.length, i);
            frames.add(f);
        }
        return frames;
    }

    /** A classic pcap file (Ethernet, microseconds) of {@code frames}. */
    private static Path writePcap(Path pcap, List<byte[]> frames) throws java.io.IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24 + frames.stream().mapToInt(f -> 16 + f.length).sum()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1); // pcap, Ethernet
        for (byte[] f : frames) b.putInt(1).putInt(0).putInt(f.length).putInt(f.length).put(f);
        java.nio.file.Files.write(pcap, b.array());
        return pcap;
    }


    /**
     * Frames up to the pair's 9000 MTU (9014 bytes with the Ethernet header) arrive whole: the
     * af_packet device's ring frames and the mbufs are sized from the interface's MTU (a default
     * 2 KiB ring frame would cut them).
     */
    @Test
    void jumboFramesArriveWhole(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.util.Random random = new java.util.Random(14);
        List<byte[]> sent = new ArrayList<>();
        for (int length : new int[]{9014, 4000, 1515, 60, 8999}) {
            byte[] f = new byte[length];
            random.nextBytes(f);
            byte[] header = HexFormat.of().parseHex("02000000aa0102000000bb0188b5"); // unicast MACs, EtherType 0x88B5
            System.arraycopy(header, 0, f, 0, header.length);
            sent.add(f);
        }
        Path pcap = writePcap(dir.resolve("jumbo.pcap"), sent);
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface))) {
            veth.replay(pcap, "--topspeed");
            List<Packet> got = read(source, sent.size(), 10);
            assertSameFrames(sent, frames(got));
            for (int i = 0; i < sent.size(); i++) assertEquals(sent.get(i).length, got.get(i).originalLength());
        }
    }

    /** Both ends of the pair (XDP on veth wants the peer's MTU to fit a page). */
    private static void mtu(int mtu) throws Exception {
        assertEquals(0, dev.cellscope.live.testing.VethPair.run("ip", "link", "set", veth.captureInterface, "mtu", Integer.toString(mtu)).exit());
        assertEquals(0, dev.cellscope.live.testing.VethPair.run("ip", "-n", veth.namespace, "link", "set", veth.sendInterface, "mtu", Integer.toString(mtu)).exit());
    }

    @Test
    void fanoutIsRefusedInOneLine() {
        SourceException e = assertThrows(SourceException.class, () -> open(LiveOptions.of(veth.captureInterface)
                .withFanout(new LiveOptions.Fanout(7, "hash", 2))));
        assertEquals(veth.captureInterface + ": the dpdk backend reads one queue per capture: no fanout (use --backend afpacket)", e.getMessage());
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
}
