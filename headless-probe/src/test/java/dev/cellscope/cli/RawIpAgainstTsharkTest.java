package dev.cellscope.cli;

import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;
import dev.cellscope.io.PcapWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captures with no link header (raw IP, BSD loopback): mixed-wire's UDP-encapsulated frames (IPv4 and IPv6, port 34997)
 * with their Ethernet header replaced by none (101, 12, 228/229 for one IP version) or a loopback family (0 in either
 * byte order, 108): tshark reads the link and IP fields as cellscope does, and the UTCP, Tether and SBI layers decode as
 * in the Ethernet original. Before: "Link type N is not decoded" and nothing else.
 */
class RawIpAgainstTsharkTest {
    private static final List<String> LINK = List.of("frame.number", "null.family", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
            "udp.srcport", "udp.dstport", "udp.length");
    private static final List<String> CELL = List.of("frame.number", "utcp.seq", "utcp.flags", "utcp.stream", "tether.flow",
            "tether.checksum.status", "sbi.op", "sbi.response_to", "expert.id");
    private static final String SAMPLE = "../samples/captures/mixed-wire.pcapng";

    @TempDir
    static Path dir;

    @BeforeAll
    static void tsharkIsHere() throws Exception {
        Assumptions.assumeTrue(Cli.tool("tshark", "-v") != null, "tshark not found (Debian package tshark): the independent reader");
    }

    @ParameterizedTest(name = "link type {0} ({1}, family {2})")
    @CsvSource({"101, raw, 0", "12, raw, 0", "228, ip, 0", "0, null, 1", "0, null, 2", "108, null, 2"})
    void udpEncapsulatedFramesDecodeAsTsharkAndAsTheEthernetOriginal(int linkType, String layer, int family) throws Exception {
        Path ethernet = dir.resolve("udp-" + linkType + "-" + family + ".pcapng");
        assertEquals(0, Cli.run("read", "-r", SAMPLE, "-Y", "udp.port == 34997" + (linkType == 228 ? " && ip" : ""), "-w", ethernet.toString()).exit());
        Path converted = dir.resolve("link-" + linkType + "-" + family + ".pcap");
        int frames = convert(ethernet, converted, linkType, family);
        assertTrue(frames > 10, frames + " UDP frames in " + SAMPLE);

        Cli.Result expected = Cli.tool(fields("tshark", converted, LINK));
        Cli.Result actual = Cli.run(fields("read", converted, LINK));
        assertEquals(0, actual.exit(), actual.err());
        assertEquals(frames, expected.lines().size(), "tshark read the file: " + expected.err());
        assertEquals(expected.out(), actual.out());
        String tsharkLayers = Cli.tool(fields("tshark", converted, List.of("frame.protocols"))).lines().getFirst();
        assertTrue(tsharkLayers.startsWith(layer + ":"), tsharkLayers);

        assertEquals(Cli.run(fields("read", ethernet, CELL)).out(), Cli.run(fields("read", converted, CELL)).out());
        String ours = Cli.run(fields("read", converted, List.of("frame.protocols"))).out();
        String stack = layer.equals("ip") ? "ip:udp:" : layer + ":ip:udp:"; // 228 has no link layer of its own
        assertTrue(ours.lines().allMatch(l -> l.startsWith(stack + "utcp") || l.startsWith(stack + "tether")), ours);
    }

    /**
     * Writes {@code in}'s frames without their 14-byte Ethernet header, behind a loopback family for 0 and 108 (family 1:
     * written by a little-endian host, 2: by a big-endian one, as LOOP always is). Returns how many.
     */
    private static int convert(Path in, Path out, int linkType, int family) throws Exception {
        int n = 0;
        try (CaptureReader r = CaptureReader.open(in); PcapWriter w = new PcapWriter(out, linkType, 65_535)) {
            for (Packet p; (p = r.next()) != null; n++) {
                byte[] frame = p.data().toArray(ValueLayout.JAVA_BYTE);
                int etherType = (frame[12] & 0xFF) << 8 | frame[13] & 0xFF;
                ByteBuffer b = ByteBuffer.allocate(frame.length - 14 + (family > 0 ? 4 : 0));
                if (family > 0) {
                    b.order(family == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN).putInt(etherType == 0x0800 ? 2 : linkType == 108 ? 24 : 30);
                }
                b.put(frame, 14, frame.length - 14);
                w.write(p.timestampNanos(), b.capacity(), MemorySegment.ofArray(b.array()));
            }
        }
        return n;
    }

    private static String[] fields(String cmd, Path file, List<String> fields) {
        List<String> args = new ArrayList<>(List.of(cmd, "-r", file.toString(), "-T", "fields"));
        for (String f : fields) args.addAll(List.of("-e", f));
        return args.toArray(String[]::new);
    }
}
