package dev.cellscope.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linux cooked captures (libpcap's -i any: link type 113 SLL, 276 SLL2) are decoded. The samples were made by
 * text2pcap -l 113 / -l 276 from quickstart.pcapng's frames, each Ethernet header replaced by a cooked header (v2:
 * interface index 2): tshark reads the sll and link fields as cellscope does, and the UTCP, Tether and SBI layers
 * decode as in the Ethernet original. Before: "Link type 113 is not decoded" and nothing else.
 */
class SllAgainstTsharkTest {
    private static final List<String> LINK = List.of("frame.number", "frame.time_relative", "sll.pkttype", "sll.hatype", "sll.halen", "sll.src.eth",
            "sll.ifindex", "sll.etype", "vlan.id", "ip.src", "ip.dst", "ipv6.src", "udp.srcport", "udp.dstport");
    private static final List<String> CELL = List.of("utcp.seq", "utcp.flags", "tether.flow", "tether.checksum.status",
            "sbi.op", "frame.protocols");

    @BeforeAll
    static void tsharkIsHere() throws Exception {
        Assumptions.assumeTrue(Cli.tool("tshark", "-v") != null, "tshark not found (Debian package tshark): the independent reader");
    }

    @ParameterizedTest
    @ValueSource(strings = {"quickstart-sll", "quickstart-sll2"})
    void cookedCapturesDecodeAsTsharkAndAsTheEthernetOriginal(String name) throws Exception {
        String sample = "../samples/captures/sll/" + name + ".pcapng";
        Cli.Result expected = Cli.tool(fields("tshark", "-r", sample, LINK));
        Cli.Result actual = Cli.run(fields("read", "-r", sample, LINK));
        assertEquals(0, actual.exit(), actual.err());
        assertTrue(expected.lines().size() > 50, "tshark read the sample: " + expected.err());
        assertEquals(expected.out(), actual.out());

        Cli.Result cooked = Cli.run(fields("read", "-r", sample, CELL));
        Cli.Result ethernet = Cli.run(fields("read", "-r", "../samples/captures/quickstart.pcapng", CELL));
        assertEquals(ethernet.out().replace("eth:", "sll:"), cooked.out());
        assertTrue(cooked.out().contains("sll:"), cooked.out());
    }

    private static String[] fields(String cmd, String flag, String file, List<String> fields) {
        List<String> args = new ArrayList<>(List.of(cmd, flag, file, "-T", "fields"));
        for (String f : fields) args.addAll(List.of("-e", f));
        return args.toArray(String[]::new);
    }
}
