package dev.cellscope.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The frame and link-layer fields that cellscope and tshark both define, with the same meaning and text
 * form, read the same in -T fields on every committed sample: tshark is the independent oracle for
 * everything below UTCP and Tether (times, MACs, IPv4, IPv6 as RFC 5952 writes it, UDP, VLAN).
 * Left out, as documented differences: {@code frame.time} (epoch seconds here, a date in tshark;
 * PROTOCOLS.md section 6), tshark's {@code ip.version} on IPv6 packets, and {@code vlan.pcp}
 * (tshark names it {@code vlan.priority}).
 */
class LinkFieldsAgainstTsharkTest {

    private static final List<String> FIELDS = List.of("frame.number", "frame.len", "frame.cap_len", "frame.time_delta",
            "frame.time_relative", "eth.src", "eth.dst", "eth.type", "vlan.id", "ip.src", "ip.dst", "ip.len", "ip.ttl",
            "ip.proto", "ip.checksum", "ip.id", "ip.hdr_len", "ipv6.src", "ipv6.dst", "ipv6.plen", "ipv6.nxt", "ipv6.hlim",
            "udp.srcport", "udp.dstport", "udp.length", "udp.checksum",
            "eth.addr", "ip.addr", "ipv6.addr", "udp.port"); // Wireshark's either-direction fields, two values each

    /** Filters on the either-direction fields, with Wireshark 4's quantifiers (== any, != all, ~= any not equal). */
    private static final List<String> FILTERS = List.of("ip.addr == 192.168.1.1", "ip.addr != 10.0.0.2", "ip.addr ~= 10.0.0.2",
            "ip.addr == 10.0.0.0/8", "udp.port == 5353", "udp.port in {53, 34997}", "!(udp.port == 34997)",
            "eth.addr == 02:00:00:00:0a:11", "eth.addr != 02:00:00:00:0a:11", "ipv6.addr == fe80::fb", "ipv6.addr");

    @BeforeAll
    static void tsharkIsHere() throws Exception {
        Assumptions.assumeTrue(Cli.tool("tshark", "-v") != null, "tshark not found (Debian package tshark): the independent reader");
    }

    static Stream<Path> samples() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("../samples/captures"))) {
            List<Path> all = s.filter(p -> p.toString().endsWith(".pcapng")).sorted().toList();
            assertTrue(all.size() >= 10, "the committed samples: " + all);
            return all.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void readAsTsharkReadsThem(Path sample) throws Exception {
        List<String> e = new ArrayList<>();
        for (String f : FIELDS) e.addAll(List.of("-e", f));
        List<String> tshark = new ArrayList<>(List.of("tshark", "-r", sample.toString(), "-T", "fields"));
        tshark.addAll(e);
        List<String> ours = new ArrayList<>(List.of("read", "-r", sample.toString(), "-T", "fields"));
        ours.addAll(e);
        Cli.Result expected = Cli.tool(tshark.toArray(String[]::new));
        Cli.Result actual = Cli.run(ours.toArray(String[]::new));
        assertEquals(0, actual.exit(), actual.err());
        assertTrue(expected.lines().size() > 10, "tshark read the sample: " + expected.err());
        assertEquals(expected.out(), actual.out());
    }

    /** The samples with IPv4, IPv6 and UDP (a child JVM per filter: the others would add time, not cases). */
    static Stream<Path> ipSamples() {
        return Stream.of("mixed-wire", "quickstart").map(n -> Path.of("../samples/captures/" + n + ".pcapng"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ipSamples")
    void filtersOnEitherDirectionSelectWhatTsharkSelects(Path sample) throws Exception {
        for (String filter : FILTERS) {
            Cli.Result expected = Cli.tool("tshark", "-r", sample.toString(), "-Y", filter, "-T", "fields", "-e", "frame.number");
            Cli.Result actual = Cli.run("read", "-r", sample.toString(), "-Y", filter, "-T", "fields", "-e", "frame.number");
            assertEquals(0, actual.exit(), filter + ": " + actual.err());
            assertTrue(expected.err().isEmpty() || expected.err().startsWith("Running as user"), filter + ": tshark refused it: " + expected.err());
            assertEquals(expected.out(), actual.out(), filter);
        }
    }
}
