package dev.cellscope.nativetap.packet;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BpfFilter} against libpcap itself: {@code tcpdump -r SAMPLE -w OUT FILTER} keeps exactly the
 * frames the interpreter accepts (RAW view, the program compiled for plain Ethernet as tcpdump
 * compiles for a file). Filters chosen to reach every instruction class: absolute, indirect and
 * MSH loads (IP header lengths), memory, ALU with constants, jumps, return of a constant.
 */
class BpfFilterTest {

    static List<byte[]> frames(Path pcap) throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (PcapFiles.Frame f : PcapFiles.read(pcap)) out.add(f.bytes());
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ether proto 0x88b5 or udp port 34997", "udp", "tcp", "arp or icmp", "vlan 100", "vlan and ether proto 0x88b5",
            "ip and len > 200", "tcp[tcpflags] & tcp-syn != 0", "ip[2:2] > 300", "udp[8:2] = 0x0100", "ip6", "not ip and not ip6",
            "ether broadcast", "ip[0] & 0xf > 5 or udp dst port 53", "len <= 100", "(tcp port 80 or tcp port 443) and greater 120"})
    void keepsWhatTcpdumpKeepsFromAFile(String filter) throws Exception {
        Path tcpdump = SockaddrLlLayoutTest.which("tcpdump");
        Assumptions.assumeTrue(tcpdump != null, "'tcpdump' not found (Debian package tcpdump): it is the oracle");
        Path dir = Files.createTempDirectory("cs-bpf");
        try {
            for (String name : List.of("mixed-wire.pcapng", "quickstart.pcapng")) {
                Path all = dir.resolve(name + ".pcap"), kept = dir.resolve(name + ".kept.pcap");
                assertEquals("", SockaddrLlLayoutTest.run(tcpdump.toString(), "-r", TpacketV3RingVethTest.samplePath(name).toString(), "-w", all.toString()).error());
                assertEquals("", SockaddrLlLayoutTest.run(tcpdump.toString(), "-r", all.toString(), "-w", kept.toString(), filter).error());
                BpfFilter f = new BpfFilter(BpfCompiler.compileForEthernet(262144, filter), BpfFilter.View.RAW, 1);
                List<String> ours = new ArrayList<>();
                for (byte[] b : frames(all)) if (f.accepts(MemorySegment.ofArray(b), 0, b.length)) ours.add(HexFormat.of().formatHex(b));
                List<String> theirs = frames(kept).stream().map(HexFormat.of()::formatHex).toList();
                assertEquals(theirs.size(), ours.size(), filter + " on " + name);
                assertEquals(theirs, ours, filter + " on " + name);
            }
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** The kernel's view: the outer tag is out of the bytes and in the ancillary loads, so a plain EtherType test matches tagged frames too. */
    @Test
    void theKernelViewTakesTheOuterTagOut() {
        byte[] untagged = TpacketV3RingVethTest.frame(0x88b5, 60, 1);
        byte[] tagged = new byte[64];
        System.arraycopy(untagged, 0, tagged, 0, 12);
        tagged[12] = (byte) 0x81;
        tagged[14] = 0x00;
        tagged[15] = 100; // VLAN 100
        System.arraycopy(untagged, 12, tagged, 16, 48);
        BpfProgram etherType = new BpfProgram("ether proto 0x88b5", List.of(
                new BpfProgram.Instruction(0x28, 0, 0, 12), // ldh [12]
                new BpfProgram.Instruction(0x15, 0, 1, 0x88b5), // jeq #0x88b5
                new BpfProgram.Instruction(0x06, 0, 0, 262144),
                new BpfProgram.Instruction(0x06, 0, 0, 0)), "test");
        BpfProgram vlan100 = new BpfProgram("vlan 100", List.of(
                new BpfProgram.Instruction(0x30, 0, 0, -0x1000 + 48), // ldb vlan_avail
                new BpfProgram.Instruction(0x15, 0, 3, 1),
                new BpfProgram.Instruction(0x30, 0, 0, -0x1000 + 44), // ldb vlan_tci
                new BpfProgram.Instruction(0x54, 0, 0, 0xfff),
                new BpfProgram.Instruction(0x15, 1, 0, 100),
                new BpfProgram.Instruction(0x06, 0, 0, 0),
                new BpfProgram.Instruction(0x06, 0, 0, 262144)), "test");
        BpfFilter kernel = new BpfFilter(etherType, BpfFilter.View.KERNEL, 1), raw = new BpfFilter(etherType, BpfFilter.View.RAW, 1);
        assertTrue(kernel.accepts(MemorySegment.ofArray(untagged), 0, untagged.length));
        assertTrue(kernel.accepts(MemorySegment.ofArray(tagged), 0, tagged.length));
        assertTrue(raw.accepts(MemorySegment.ofArray(untagged), 0, untagged.length));
        assertFalse(raw.accepts(MemorySegment.ofArray(tagged), 0, tagged.length));
        BpfFilter v = new BpfFilter(vlan100, BpfFilter.View.KERNEL, 1);
        assertTrue(v.accepts(MemorySegment.ofArray(tagged), 0, tagged.length));
        assertFalse(v.accepts(MemorySegment.ofArray(untagged), 0, untagged.length));
        assertEquals(60, new BpfFilter(new BpfProgram("len", List.of(new BpfProgram.Instruction(0x80, 0, 0, 0), // ld #len
                new BpfProgram.Instruction(0x16, 0, 0, 0)), "test"), BpfFilter.View.KERNEL, 1) // ret a
                .run(MemorySegment.ofArray(tagged), 0, tagged.length), "the length the kernel sees is without the tag");
    }
}
