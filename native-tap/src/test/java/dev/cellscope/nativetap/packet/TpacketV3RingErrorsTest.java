package dev.cellscope.nativetap.packet;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The ring's one-line errors, worded as the README promises; none of these needs root. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TpacketV3RingErrorsTest {

    @Test
    void anUnknownInterfaceIsNamedWithThoseThatExist() {
        PacketSocketException e = assertThrows(PacketSocketException.class, () -> TpacketV3Ring.open(RingConfig.of("cs-nosuch0")));
        assertTrue(e.getMessage().startsWith("no network interface 'cs-nosuch0' (there are: "), e.getMessage());
        assertTrue(e.getMessage().contains("lo"), e.getMessage());
        assertEquals("ENODEV", e.errnoName());
        assertEquals(TpacketV3Ring.interfaceNames().size(), e.getMessage().replaceFirst(".*there are: ", "").split(", ").length);
    }

    @Test
    void sizesAgainstTheKernelsRulesAreRefusedInWords() {
        int page = 4096;
        assertEquals("ring block size 5000 must be a power of two and at least the page size (4096), e.g. 1048576: change --ring-block-size",
                assertThrows(IllegalArgumentException.class, () -> RingConfig.of("lo").withBlocks(5000, 4).validate(page)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> RingConfig.of("lo").withBlocks(3 * 4096, 4).validate(page), "not a power of two");
        assertThrows(IllegalArgumentException.class, () -> RingConfig.of("lo").withBlocks(2048, 4).validate(page), "below a page");
        assertEquals("ring block count must be at least 1, not 0: change --ring-blocks",
                assertThrows(IllegalArgumentException.class, () -> RingConfig.of("lo").withBlocks(4096, 0).validate(page)).getMessage());
        assertEquals("ring frame size 100 must be a multiple of 16 between 80 and the block size 1048576",
                assertThrows(IllegalArgumentException.class, () -> RingConfig.of("lo").withFrameSize(100).validate(page)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> RingConfig.of("lo").withFrameSize(64).validate(page), "smaller than the headers");
        assertThrows(IllegalArgumentException.class, () -> RingConfig.of("lo").withBlocks(4096, 1).withFrameSize(8192).validate(page));
        assertThrows(IllegalArgumentException.class, () -> RingConfig.of("lo").withSnaplen(0).validate(page));
        assertThrows(IllegalArgumentException.class, () -> RingConfig.of("lo").withSnaplen(262_145).validate(page));
        assertThrows(IllegalArgumentException.class, () -> RingConfig.of("lo").withRetireTimeoutMillis(-1).validate(page));
        assertThrows(IllegalArgumentException.class, () -> RingConfig.of("a-name-of-16-chr").validate(page));
        RingConfig.of("lo").validate(page); // the defaults are fine
        RingConfig.of("lo").withBlocks(4096, 1).withFrameSize(80).validate(page); // the smallest ring
    }

    @Test
    void aRingLargerThanTheMemoryIsRefusedBeforeTheKernelTries() {
        // 1024 blocks of 1 GiB: refused before any socket is made, so no root is needed to see it
        PacketSocketException e = assertThrows(PacketSocketException.class,
                () -> TpacketV3Ring.open(RingConfig.of("lo").withBlocks(1 << 30, 1024)));
        assertTrue(e.getMessage().startsWith("a ring of 1024 blocks of 1024 MiB (1048576 MiB) is more than the memory available ("),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("): lower --ring-blocks/--ring-block-size"), e.getMessage());
        assertEquals("ENOMEM", e.errnoName());
    }

    @Test
    void aBadFilterGetsLibpcapsMessage() {
        CaptureFilterException e = assertThrows(CaptureFilterException.class,
                () -> BpfCompiler.compileForEthernet(262_144, "ether proto 0x88b5 or or"));
        assertEquals("bad capture filter 'ether proto 0x88b5 or or': can't parse filter expression: syntax error", e.getMessage());
        e = assertThrows(CaptureFilterException.class, () -> BpfCompiler.compileForEthernet(262_144, "ether host 1"));
        assertTrue(e.getMessage().endsWith("illegal link layer address"), e.getMessage());
    }

    @Test
    void theCellFilterCompilesAndAcceptAllKeepsTheSnaplen() {
        BpfProgram p = BpfCompiler.compileForEthernet(1500, "ether proto 0x88b5 or udp port 34997");
        // ldh [12]; jeq #0x88b5 ...; the last two: ret #1500, ret #0
        assertEquals(new BpfProgram.Instruction(0x28, 0, 0, 12), p.instructions().getFirst());
        assertEquals(0x88b5, p.instructions().get(1).k());
        assertEquals(new BpfProgram.Instruction(0x06, 0, 0, 1500), p.instructions().get(p.instructions().size() - 2));
        assertEquals(new BpfProgram.Instruction(0x06, 0, 0, 0), p.instructions().getLast());
        assertEquals("Ethernet", p.compiledFor());
        assertEquals(java.util.List.of(new BpfProgram.Instruction(0x06, 0, 0, 96)), BpfProgram.acceptAll(96).instructions());
        assertTrue(BpfCompiler.libpcapVersion().startsWith("libpcap version 1."), BpfCompiler.libpcapVersion());
    }

    @Test
    void fanoutPacksGroupModeAndFlagsAsTheKernelWants() {
        assertEquals(0x8000_0000 | 7, Fanout.hash(7).socketOptionValue()); // HASH (0) | DEFRAG (0x8000) << 16
        assertEquals(0x1001_0000 | 0xffff, new Fanout(0xffff, Fanout.Mode.LOAD_BALANCE, false, true).socketOptionValue());
        assertEquals(2 << 16 | 1, new Fanout(1, Fanout.Mode.CPU, false, false).socketOptionValue());
        assertThrows(IllegalArgumentException.class, () -> new Fanout(0x10000, Fanout.Mode.HASH, false, false));
    }

    /** Without CAP_NET_RAW (a child JVM started by setpriv), the message says how to get it. */
    @Test
    void withoutCapNetRawTheMessageNamesTheFix() throws Exception {
        Path setpriv = SockaddrLlLayoutTest.which("setpriv");
        Assumptions.assumeTrue(setpriv != null, "setpriv not found (Debian package util-linux): cannot drop CAP_NET_RAW for a child JVM");
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/sys/class/net/lo")), "no loopback interface 'lo' in this namespace");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var r = SockaddrLlLayoutTest.run(setpriv.toString(), "--inh-caps=-net_raw", "--bounding-set=-net_raw",
                "--", java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), OpenRingOnLoopback.class.getName());
        Assumptions.assumeTrue(r.exit() == 0, "could not start a child JVM without CAP_NET_RAW: " + r.error());
        assertEquals("capturing on 'lo' needs CAP_NET_RAW: run as root or grant cap_net_raw (socket: EPERM)", r.output().strip());
    }

    /** The child: opens a small ring on lo and prints the error message (or "opened"). */
    public static final class OpenRingOnLoopback {
        public static void main(String[] args) {
            try (TpacketV3Ring r = TpacketV3Ring.open(RingConfig.of("lo").withBlocks(4096, 2))) {
                System.out.println("opened " + r);
            } catch (PacketSocketException e) {
                System.out.println(e.getMessage());
            }
        }
    }

    /** The ring's structs and constants, against what gcc sees in this machine's headers. */
    @Test
    void ringLayoutsMatchTheHeaders(@TempDir Path dir) throws Exception {
        Path gcc = SockaddrLlLayoutTest.which("gcc");
        Assumptions.assumeTrue(gcc != null, "gcc not found on PATH (Debian package gcc): cannot compile the header check");
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/usr/include/linux/if_packet.h")),
                "/usr/include/linux/if_packet.h missing (Debian package linux-libc-dev): cannot compile the header check");
        Path c = dir.resolve("ring.c");
        Files.writeString(c, """
                #include <stdio.h>
                #include <stddef.h>
                #include <sys/socket.h>
                #include <sys/mman.h>
                #include <linux/if_packet.h>
                #include <linux/filter.h>
                #include <linux/if_ether.h>
                #define O(t, f) (int) offsetof(struct t, f)
                int main(void) {
                  printf("%d %d %d %d %d %d\\n", (int) sizeof(struct tpacket_req3), (int) sizeof(struct tpacket_block_desc),
                    O(tpacket_block_desc, hdr.bh1.block_status), O(tpacket_block_desc, hdr.bh1.num_pkts),
                    O(tpacket_block_desc, hdr.bh1.offset_to_first_pkt), O(tpacket_block_desc, hdr.bh1.seq_num));
                  printf("%d %d %d %d %d %d %d %d %d\\n", O(tpacket3_hdr, tp_next_offset), O(tpacket3_hdr, tp_sec),
                    O(tpacket3_hdr, tp_nsec), O(tpacket3_hdr, tp_snaplen), O(tpacket3_hdr, tp_len), O(tpacket3_hdr, tp_status),
                    O(tpacket3_hdr, tp_mac), O(tpacket3_hdr, hv1.tp_vlan_tci), O(tpacket3_hdr, hv1.tp_vlan_tpid));
                  printf("%d %d %d %d %d %d\\n", (int) TPACKET3_HDRLEN, (int) sizeof(struct tpacket_stats_v3), (int) sizeof(struct packet_mreq),
                    (int) sizeof(struct sock_fprog), O(sock_fprog, filter), (int) sizeof(struct sock_filter));
                  printf("%d %d %d %d %d %d %d %d %d %d\\n", ETH_P_ALL, PACKET_ADD_MEMBERSHIP, PACKET_RX_RING, PACKET_STATISTICS,
                    PACKET_VERSION, PACKET_RESERVE, PACKET_FANOUT, TPACKET_V3, PACKET_MR_PROMISC, SO_ATTACH_FILTER);
                  printf("%d %d %d %d %d %d %d %d %d %d\\n", PACKET_FANOUT_FLAG_ROLLOVER, PACKET_FANOUT_FLAG_DEFRAG, TP_STATUS_USER,
                    TP_STATUS_LOSING, TP_STATUS_VLAN_VALID, TP_STATUS_BLK_TMO, TP_STATUS_VLAN_TPID_VALID, SO_ERROR, PROT_READ | PROT_WRITE << 4,
                    MAP_SHARED);
                  printf("%d %d %d %d %d %d\\n", PACKET_FANOUT_HASH, PACKET_FANOUT_LB, PACKET_FANOUT_CPU, PACKET_FANOUT_ROLLOVER,
                    PACKET_FANOUT_RND, PACKET_FANOUT_QM);
                  return 0;
                }
                """);
        Path exe = dir.resolve("ring");
        assertEquals("", SockaddrLlLayoutTest.run(gcc.toString(), "-o", exe.toString(), c.toString()).error());
        String[] l = SockaddrLlLayoutTest.run(exe.toString()).output().strip().split("\n");
        assertEquals(LinuxAbi.TPACKET_REQ3_SIZE + " " + LinuxAbi.BLOCK_DESC_SIZE + " " + LinuxAbi.BLOCK_STATUS + " " + LinuxAbi.BLOCK_NUM_PKTS
                + " " + LinuxAbi.BLOCK_OFFSET_TO_FIRST_PKT + " " + LinuxAbi.BLOCK_SEQ_NUM, l[0]);
        assertEquals(LinuxAbi.TP_NEXT_OFFSET + " " + LinuxAbi.TP_SEC + " " + LinuxAbi.TP_NSEC + " " + LinuxAbi.TP_SNAPLEN + " " + LinuxAbi.TP_LEN
                + " " + LinuxAbi.TP_STATUS + " " + LinuxAbi.TP_MAC + " " + LinuxAbi.TP_VLAN_TCI + " " + LinuxAbi.TP_VLAN_TPID, l[1]);
        assertEquals(LinuxAbi.TPACKET3_HDRLEN + " " + LinuxAbi.TPACKET_STATS_V3_SIZE + " " + LinuxAbi.PACKET_MREQ_SIZE + " "
                + LinuxAbi.SOCK_FPROG_SIZE + " " + LinuxAbi.SOCK_FPROG_FILTER + " " + LinuxAbi.SOCK_FILTER_SIZE, l[2]);
        assertEquals(LinuxAbi.ETH_P_ALL + " " + LinuxAbi.PACKET_ADD_MEMBERSHIP + " " + LinuxAbi.PACKET_RX_RING + " " + LinuxAbi.PACKET_STATISTICS
                + " " + LinuxAbi.PACKET_VERSION + " " + LinuxAbi.PACKET_RESERVE + " " + LinuxAbi.PACKET_FANOUT + " " + LinuxAbi.TPACKET_V3 + " "
                + LinuxAbi.PACKET_MR_PROMISC + " " + LinuxAbi.SO_ATTACH_FILTER, l[3]);
        assertEquals(LinuxAbi.PACKET_FANOUT_FLAG_ROLLOVER + " " + LinuxAbi.PACKET_FANOUT_FLAG_DEFRAG + " " + LinuxAbi.TP_STATUS_USER + " "
                + LinuxAbi.TP_STATUS_LOSING + " " + LinuxAbi.TP_STATUS_VLAN_VALID + " " + LinuxAbi.TP_STATUS_BLK_TMO + " "
                + LinuxAbi.TP_STATUS_VLAN_TPID_VALID + " " + LinuxAbi.SO_ERROR + " " + (LinuxAbi.PROT_READ | LinuxAbi.PROT_WRITE << 4) + " "
                + LinuxAbi.MAP_SHARED, l[4]);
        StringBuilder modes = new StringBuilder();
        for (Fanout.Mode m : Fanout.Mode.values()) modes.append(modes.isEmpty() ? "" : " ").append(m.value);
        assertEquals(modes.toString(), l[5]);
    }
}
