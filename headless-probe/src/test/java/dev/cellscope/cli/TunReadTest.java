package dev.cellscope.cli;

import dev.cellscope.live.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code cellscope read -i} on a tun device (what a VPN or WireGuard tunnel is, where UDP-encapsulated UTCP crosses
 * routed networks): the frames have no link header. libpcap reports Linux's DLT_RAW (12) for it and the afpacket
 * backend now says raw IP (101); both decode the IP, UDP and UTCP within. Before, the pcap backend's frames were "Link
 * type 12 is not decoded" and the afpacket backend's were read as Ethernet (garbage MACs, EtherType 0x0a63). The
 * datagrams are written into the device by {@code src/test/python/tun_write.py}, so the kernel receives them on it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TunReadTest {
    private static final Path WRITER = PythonOracles.script("tun_write.py");
    /** A UTCP SYN: seq 4242, flags SYN (0x0001), no payload; the CellIDs are 0x11… and 0x22…. */
    private static final String UTCP_SYN = "11".repeat(16) + "22".repeat(16) + "00001092" + "0001" + "0000";
    private static String tun;

    @TempDir
    static Path dir;

    @BeforeAll
    static void makeTun() throws Exception {
        VethPair.assumeAvailable("capture on a tun device");
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun (kernel module tun): cannot make a tun device");
        PythonOracles.assumeRunnable("tun writer");
        tun = "cst" + ProcessHandle.current().pid();
        check(VethPair.run("ip", "tuntap", "add", "dev", tun, "mode", "tun"));
        check(VethPair.run("ip", "link", "set", tun, "up"));
        check(VethPair.run("ip", "addr", "add", "10.99.7.1/24", "dev", tun));
    }

    @AfterAll
    static void removeTun() throws Exception {
        if (tun != null) VethPair.run("ip", "tuntap", "del", "dev", tun, "mode", "tun");
    }

    private static void check(VethPair.Result r) {
        if (r.exit() != 0) throw new AssertionError(r.command() + ": " + r.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pcap", "afpacket"})
    void udpEncapsulatedUtcpOnATunDeviceIsDecoded(String backend) throws Exception {
        try (LiveReadTest.Running r = new LiveReadTest.Running(dir, List.of(), "tun-" + backend, "read", "-i", tun, "--backend", backend, "-c", "3",
                "-f", "udp", "-T", "fields", "-e", "frame.protocols", "-e", "ip.src", "-e", "udp.dstport", "-e", "utcp.seq",
                "-e", "utcp.flags")) {
            r.awaitCapturing(tun);
            VethPair.Result w = VethPair.run(PythonOracles.PYTHON, WRITER.toString(), tun, "3", "10.99.7.2", "10.99.7.1", UTCP_SYN);
            assertEquals(0, w.exit(), w.output());
            assertEquals(0, r.exit(30), r.err());
            String line = "raw:ip:udp:utcp\t10.99.7.2\t34997\t4242\t0x0001";
            assertEquals(List.of(line, line, line), r.out().lines().toList(), r.err());
        }
    }

    /**
     * A tun device's frames are written as link type 101 (LINKTYPE_RAW), as dumpcap and tcpdump -w write them, with both
     * backends. Before, the pcap backend wrote libpcap's DLT value 12 into the file's interface block: DLT_RAW on Linux,
     * but DLT_LOOP on OpenBSD, which is why files carry 101 instead.
     */
    @ParameterizedTest
    @ValueSource(strings = {"pcap", "afpacket"})
    void aTunCaptureIsWrittenAsLinkTypeRaw(String backend) throws Exception {
        Path out = dir.resolve("tun-" + backend + ".pcapng");
        try (LiveReadTest.Running r = new LiveReadTest.Running(dir, List.of(), "tun-w-" + backend, "read", "-i", tun, "--backend", backend,
                "-c", "2", "-f", "udp", "-w", out.toString())) {
            r.awaitCapturing(tun);
            VethPair.Result w = VethPair.run(PythonOracles.PYTHON, WRITER.toString(), tun, "2", "10.99.7.2", "10.99.7.1", UTCP_SYN);
            assertEquals(0, w.exit(), w.output());
            assertEquals(0, r.exit(30), r.err());
        }
        try (dev.cellscope.io.CaptureReader reader = dev.cellscope.io.CaptureReader.open(out)) {
            dev.cellscope.io.Packet p = reader.next();
            assertEquals(101, p.linkType());
            assertEquals(101, reader.interfaces().getFirst().linkType());
        }
    }
}
