package dev.cellscope.cli;

import dev.cellscope.live.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.cellscope.cli.ReplayVethTest.FILTER;
import static dev.cellscope.cli.ReplayVethTest.SAMPLE;
import static dev.cellscope.cli.ReplayVethTest.hex;
import static dev.cellscope.cli.ReplayVethTest.reported;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code cellscope replay --transmit xdp}: the frames leave through an AF_XDP socket's TX ring on one
 * end of a veth pair; tcpdump in the far end's network namespace is the oracle (byte for byte, in
 * order); tshark selects the expected frames with the same filter. The report names the AF_XDP mode
 * (veth has no zero-copy driver support: copy mode, with the refusal). The failure paths are one line.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReplayXdpVethTest {
    private static VethPair veth;

    @TempDir
    static Path dir;

    @BeforeAll
    static void pair() throws Exception {
        VethPair.assumeAvailable("AF_XDP replay onto a veth pair");
        for (String tool : List.of("tcpdump", "tshark")) {
            Assumptions.assumeTrue(VethPair.which(tool) != null, "'" + tool + "' not found (Debian package " + tool + ")");
        }
        veth = VethPair.create();
    }

    @AfterAll
    static void remove() throws Exception {
        if (veth != null) veth.close();
    }

    /** tcpdump in the namespace until it has {@code count} frames (-c), so nothing is cut short on a loaded machine. */
    private static final class FarEnd implements AutoCloseable {
        final Process process;
        final Path file, err;

        FarEnd(String name, int count) throws Exception {
            file = dir.resolve(name + ".pcap");
            err = dir.resolve(name + ".err");
            List<String> cmd = new ArrayList<>(veth.inNamespace());
            cmd.addAll(List.of(VethPair.which("tcpdump"), "-i", veth.sendInterface, "-U", "-B", "65536", "-s", "0",
                    "-c", Integer.toString(count), "-w", file.toString()));
            process = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(err).contains("listening on")) {
                if (!process.isAlive() || System.nanoTime() > end) throw new AssertionError("tcpdump did not start: " + Files.readString(err));
                Thread.sleep(20);
            }
        }

        List<String> frames() throws Exception {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "tcpdump did not get every frame: " + Files.readString(err, StandardCharsets.UTF_8));
            return hex(file);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    static List<String> selectedByTshark() throws Exception {
        Path selected = dir.resolve("tshark-selected.pcapng");
        VethPair.Result r = VethPair.run("tshark", "-r", SAMPLE.toString(), "-Y", FILTER, "-w", selected.toString());
        assertEquals(0, r.exit(), r.output());
        return hex(selected);
    }

    static void assertSameFrames(List<String> expected, List<String> received) {
        for (int i = 0; i < Math.min(expected.size(), received.size()); i++) {
            if (!expected.get(i).equals(received.get(i))) fail("frame " + i + " differs: sent " + expected.get(i) + ", received " + received.get(i));
        }
        assertEquals(expected.size(), received.size(), "frames received");
    }

    @Test
    void theFarEndReceivesExactlyTheSelectedFramesAndTheModeIsReported() throws Exception {
        List<String> expected = selectedByTshark();
        assertTrue(expected.size() > 20 && expected.size() < 425, "the filter selects some of the sample: " + expected.size());
        try (FarEnd far = new FarEnd("xdp-pps", expected.size())) {
            Cli.Result r = Cli.run("replay", "-r", SAMPLE.toString(), "-i", veth.captureInterface, "--transmit", "xdp", "-Y", FILTER, "--pps", "2000");
            assertEquals(0, r.exit(), r.err());
            assertEquals(expected.size(), reported(r.out(), "packets"), r.out());
            assertTrue(r.out().contains("Timing: inter-frame error p50 "), r.out());
            assertTrue(r.out().contains("\nTransmit: AF_XDP copy mode, queue 0 (zero-copy refused: '" + veth.captureInterface
                    + "' has no AF_XDP zero-copy support in its driver (bind: EOPNOTSUPP))"), r.out());
            assertSameFrames(expected, far.frames());
        }
    }

    /** Three passes at top speed from memory: more frames than... the ring must recycle chunks as the completion ring returns them. */
    @Test
    void loopsAtTopSpeed() throws Exception {
        List<String> all = hex(SAMPLE), expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) expected.addAll(all);
        try (FarEnd far = new FarEnd("xdp-top", expected.size())) {
            Cli.Result r = Cli.run("replay", "-r", SAMPLE.toString(), "-i", veth.captureInterface, "--transmit", "xdp", "-t", "-K", "-l", "6");
            assertEquals(0, r.exit(), r.err());
            assertEquals(expected.size(), reported(r.out(), "packets"), r.out());
            assertSameFrames(expected, far.frames());
        }
    }

    /** A frame longer than a UMEM chunk (4096 B; the veth's MTU is 9000) is refused on its own, in one line; the next still goes. */
    @Test
    void aFrameLongerThanAUmemFrameIsReportedAndSkipped() throws Exception {
        byte[] big = frame(5000, 1), small = frame(200, 2);
        Path pcap = dir.resolve("big.pcap");
        Files.write(pcap, pcap(big, small));
        try (FarEnd far = new FarEnd("xdp-big", 1)) {
            Cli.Result r = Cli.run("replay", "-r", pcap.toString(), "-i", veth.captureInterface, "--transmit", "xdp", "-t");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("Failed packets: 1 (first: '" + veth.captureInterface
                    + "' refused a frame of 5000 bytes (larger than a UMEM frame of 4096 bytes; AF_XDP))\n"), r.out());
            assertEquals(List.of(HexFormat.of().formatHex(small)), far.frames());
        }
    }

    @Test
    void noSuchInterfaceAndWrongNames() throws Exception {
        Cli.Result r = Cli.run("replay", "-r", SAMPLE.toString(), "-i", "nosuch0", "--transmit", "xdp");
        assertEquals(1, r.exit());
        assertEquals("cellscope: -i nosuch0: no network interface 'nosuch0'\n", r.err());
        r = Cli.run("replay", "-r", SAMPLE.toString(), "-i", "lo", "--transmit", "dpdk");
        assertEquals(2, r.exit());
        assertEquals("cellscope: --transmit dpdk: afpacket or xdp\n", r.err());
        r = Cli.run("replay", "-r", SAMPLE.toString(), "-w", dir.resolve("w.pcapng").toString(), "--transmit", "xdp");
        assertEquals(2, r.exit());
        assertEquals("cellscope: --transmit is for sending with -i INTERFACE\n", r.err());
    }

    /** Root without CAP_NET_RAW (setpriv drops it): the AF_XDP socket is refused, in one line. */
    @Test
    void withoutCapNetRaw() throws Exception {
        String setpriv = VethPair.which("setpriv");
        Assumptions.assumeTrue(setpriv != null, "'setpriv' not found (Debian package util-linux): cannot drop CAP_NET_RAW");
        List<String> cmd = new ArrayList<>(List.of(setpriv, "--bounding-set=-net_raw", "--inh-caps=-net_raw"));
        cmd.addAll(Cli.command("replay", "-r", SAMPLE.toString(), "-i", veth.captureInterface, "--transmit", "xdp"));
        Path err = dir.resolve("noraw.err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(dir.resolve("noraw.out").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String e = Files.readString(err, StandardCharsets.UTF_8);
        Assumptions.assumeFalse(e.contains("setpriv:"), "setpriv cannot drop capabilities here: " + e);
        assertEquals(1, p.exitValue(), e);
        assertEquals("cellscope: -i " + veth.captureInterface + ": sending on '" + veth.captureInterface
                + "' with AF_XDP needs CAP_NET_RAW: run as root or grant cap_net_raw (socket: EPERM)\n", e);
    }

    /** An Ethernet frame of {@code length} bytes to the broadcast address, EtherType 0x88B5, every byte naming it. */
    private static byte[] frame(int length, int n) {
        byte[] f = new byte[length];
        for (int i = 0; i < 6; i++) f[i] = (byte) 0xff;
        f[6] = 2;
        f[11] = (byte) n;
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xB5;
        for (int i = 14; i < length; i++) f[i] = (byte) (n * 7 + i);
        return f;
    }

    /** A classic little-endian pcap of the frames (link type Ethernet, snaplen 65535). */
    private static byte[] pcap(byte[]... frames) {
        int size = 24;
        for (byte[] f : frames) size += 16 + f.length;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        int t = 0;
        for (byte[] f : frames) {
            b.putInt(1_700_000_000).putInt(t += 1000).putInt(f.length).putInt(f.length).put(f);
        }
        return b.array();
    }
}
