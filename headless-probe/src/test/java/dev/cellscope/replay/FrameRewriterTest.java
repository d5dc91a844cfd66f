package dev.cellscope.replay;

import dev.cellscope.crypto.Crc64GoIso;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.UdpEncapsulation;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The rewriter on frames built here: UTCP and Tether over Ethernet and over UDP (IPv4, IPv6). The
 * checksums are checked with an RFC 1071 sum written in this test, and the Tether CRC with the
 * protocol module's CRC-64 (checked against its catalogue value in its own tests).
 */
class FrameRewriterTest {
    static final long A_MAC = 0x0200_0000_0a11L, B_MAC = 0x0200_0000_0b0bL, A2_MAC = 0x0200_0000_aa11L;
    static final byte[] A_CELL = HexFormat.of().parseHex("a74aaa1fe85b0f9170c12ec1e28325b7"),
            B_CELL = HexFormat.of().parseHex("1f460ab984be5fe4582f4d059843bcad"),
            A2_CELL = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    static final long A_TETHER = 0xac1d_b30d_302fL, A2_TETHER = 0xac1d_0000_0001L, B_TETHER = 0xac1d_946d_727dL;
    static final int A_IP = 0x0a00_0002, A2_IP = 0xac10_0002, B_IP = 0x0a00_0003;

    static final Bytes A6 = Bytes.fromHex("fe800000000000000000000000000001"), A2_6 = Bytes.fromHex("fd000000000000070000000000000001");
    static final AddressMap MAP = new AddressMap(Map.of(A_MAC, A2_MAC), Map.of(Bytes.of(A_CELL), Bytes.of(A2_CELL)),
            Map.of(A_TETHER, A2_TETHER), Map.of(A_IP, A2_IP), Map.of(A6, A2_6), Map.of(34997, 40000));

    static byte[] utcp(byte[] src, byte[] dst, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.put(src).put(dst).putInt(7).putShort((short) 0x10).putShort((short) payload.length).put(payload);
        return b.array();
    }

    static byte[] tether(long sender, long target, ByteOrder order, boolean goodCrc) {
        ByteBuffer b = ByteBuffer.allocate(128).order(order);
        b.putInt(0, 0x4F424F4C).putShort(4, (short) 3).putInt(8, (int) (sender >>> 16)).putShort(12, (short) sender)
                .putShort(14, (short) (target >>> 32)).putInt(16, (int) target).putLong(24, 42);
        for (int i = 64; i < 128; i++) b.put(i, (byte) i);
        long crc = Crc64GoIso.tetherChecksum(MemorySegment.ofArray(b.array()), 0, 128);
        b.putLong(48, goodCrc ? crc : crc ^ 1);
        return b.array();
    }

    static byte[] ethernet(long dst, long src, int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.put(Arrays.copyOfRange(ByteBuffer.allocate(8).putLong(dst).array(), 2, 8));
        b.put(Arrays.copyOfRange(ByteBuffer.allocate(8).putLong(src).array(), 2, 8));
        b.putShort((short) type).put(payload);
        return b.array();
    }

    /** RFC 1071, written here: the ones'-complement sum of big-endian words. */
    static int sum(byte[] b, int off, int len, long start) {
        long s = start;
        for (int i = 0; i < len; i += 2) s += (b[off + i] & 0xFF) << 8 | (i + 1 < len ? b[off + i + 1] & 0xFF : 0);
        while (s >>> 16 != 0) s = (s & 0xFFFF) + (s >>> 16);
        return (int) s;
    }

    static boolean ipv4Good(byte[] f) {
        return sum(f, 14, 20, 0) == 0xFFFF;
    }

    static boolean udpOverIpv4Good(byte[] f) {
        int udpLen = (f[38] & 0xFF) << 8 | f[39] & 0xFF;
        long pseudo = sum(f, 26, 8, 0) + 17 + udpLen;
        return sum(f, 34, udpLen, pseudo) == 0xFFFF;
    }

    static boolean udpOverIpv6Good(byte[] f) {
        int udpLen = (f[58] & 0xFF) << 8 | f[59] & 0xFF;
        long pseudo = sum(f, 22, 32, 0) + 17 + udpLen;
        return sum(f, 54, udpLen, pseudo) == 0xFFFF;
    }

    @Test
    void utcpOverEthernet() {
        byte[] in = ethernet(B_MAC, A_MAC, 0x88B5, utcp(A_CELL, B_CELL, new byte[20]));
        FrameRewriter r = new FrameRewriter(MAP);
        byte[] out = r.rewrite(1, in);
        byte[] want = ethernet(B_MAC, A2_MAC, 0x88B5, utcp(A2_CELL, B_CELL, new byte[20]));
        assertArrayEquals(want, out);
        assertEquals(1, r.rewritten());
        assertEquals(List.of(), r.problems());
    }

    @Test
    void utcpOverUdpIpv4KeepsBothChecksumsGood() {
        byte[] in = UdpEncapsulation.overIpv4(A_MAC, B_MAC, A_IP, B_IP, Bytes.of(utcp(B_CELL, A_CELL, new byte[33])));
        assertTrue(ipv4Good(in) && udpOverIpv4Good(in), "the input is sound");
        byte[] out = new FrameRewriter(MAP).rewrite(1, in);
        assertTrue(ipv4Good(out), "IPv4 header checksum");
        assertTrue(udpOverIpv4Good(out), "UDP checksum");
        assertEquals(A2_IP, ByteBuffer.wrap(out).getInt(26), "source IP");
        assertEquals(B_IP, ByteBuffer.wrap(out).getInt(30));
        assertEquals(40000, ByteBuffer.wrap(out).getShort(34) & 0xFFFF, "source port");
        assertEquals(40000, ByteBuffer.wrap(out).getShort(36) & 0xFFFF, "destination port");
        assertArrayEquals(A2_CELL, Arrays.copyOfRange(out, 42 + 16, 42 + 32), "the dst CellID inside the datagram");
    }

    @Test
    void utcpOverUdpIpv6() {
        Bytes a6 = Bytes.fromHex("fe800000000000000000000000000001"), b6 = Bytes.fromHex("fe800000000000000000000000000002");
        byte[] in = UdpEncapsulation.overIpv6(A_MAC, B_MAC, a6, b6, Bytes.of(utcp(A_CELL, B_CELL, new byte[8])));
        assertTrue(udpOverIpv6Good(in));
        byte[] out = new FrameRewriter(MAP).rewrite(1, in);
        assertTrue(udpOverIpv6Good(out), "UDP checksum over the IPv6 pseudo-header");
        assertArrayEquals(A2_CELL, Arrays.copyOfRange(out, 62, 78));
    }

    @Test
    void ipv6AddressesAreRewrittenWithTheUdpChecksumOverTheNewPseudoHeader() throws Exception {
        Bytes b6 = Bytes.fromHex("fe800000000000000000000000000002");
        byte[] in = UdpEncapsulation.overIpv6(A_MAC, B_MAC, b6, A6, Bytes.of(utcp(B_CELL, B_CELL, new byte[9])));
        FrameRewriter r = new FrameRewriter(AddressMap.parse("t", List.of("ip fe80::1 fd00:0:0:7::1")));
        byte[] out = r.rewrite(1, in);
        assertArrayEquals(b6.toArray(), Arrays.copyOfRange(out, 22, 38), "source unchanged");
        assertArrayEquals(A2_6.toArray(), Arrays.copyOfRange(out, 38, 54), "destination mapped");
        assertTrue(udpOverIpv6Good(out), "UDP checksum over the new pseudo-header");
        assertFalse(Arrays.equals(Arrays.copyOfRange(in, 60, 62), Arrays.copyOfRange(out, 60, 62)), "the checksum changed");
        assertEquals(1, r.rewritten());
        assertEquals(List.of(), r.problems());
    }

    @Test
    void ipv6OverAnotherNextHeaderIsReportedNotRewritten() {
        byte[] in = UdpEncapsulation.overIpv6(A_MAC, B_MAC, A6, A6, Bytes.of(new byte[12]));
        in[14 + 6] = 58; // next header ICMPv6: its checksum covers the addresses too
        FrameRewriter r = new FrameRewriter(MAP);
        byte[] out = r.rewrite(7, in);
        assertArrayEquals(A6.toArray(), Arrays.copyOfRange(out, 22, 38));
        assertEquals(1, r.problemCount());
        assertTrue(r.problems().getFirst().startsWith("frame 7: IPv6 next header 58"), r.problems().toString());
    }

    @Test
    void anIpLineMixingFamiliesIsRefused() {
        var e = assertThrows(AddressMap.MapException.class, () -> AddressMap.parse("m", List.of("ip 10.0.0.1 fd00::1")));
        assertTrue(e.getMessage().startsWith("m:1: "), e.getMessage());
        assertThrows(AddressMap.MapException.class, () -> AddressMap.parse("m", List.of("ip fd00::1 example.com")));
        assertThrows(AddressMap.MapException.class, () -> AddressMap.parse("m", List.of("ip fd00::1 fd00::2", "ip fd00::3 fd00:0::2")));
    }

    @Test
    void anAlreadyBadChecksumIsLeftBad() {
        byte[] in = UdpEncapsulation.overIpv4(A_MAC, B_MAC, A_IP, B_IP, Bytes.of(utcp(A_CELL, B_CELL, new byte[10])));
        in[24] ^= 0x01; // IPv4 header checksum
        in[40] ^= 0x01; // UDP checksum
        FrameRewriter r = new FrameRewriter(MAP);
        byte[] out = r.rewrite(9, in);
        assertFalse(ipv4Good(out));
        assertFalse(udpOverIpv4Good(out));
        assertEquals(List.of("frame 9: UDP checksum was already bad in the capture: left bad",
                "frame 9: IPv4 header checksum was already bad in the capture: left bad"), r.problems());
    }

    @Test
    void aZeroUdpChecksumStaysZero() {
        byte[] in = UdpEncapsulation.overIpv4(A_MAC, B_MAC, A_IP, B_IP, Bytes.of(utcp(A_CELL, B_CELL, new byte[10])));
        in[40] = 0;
        in[41] = 0;
        byte[] out = new FrameRewriter(MAP).rewrite(1, in);
        assertEquals(0, out[40] | out[41]);
        assertTrue(ipv4Good(out));
    }

    @Test
    void tetherBothByteOrdersWithTheCrcRecomputed() {
        for (ByteOrder order : new ByteOrder[]{ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            byte[] in = ethernet(B_MAC, A_MAC, 0x88B5, tether(A_TETHER, B_TETHER, order, true));
            byte[] out = new FrameRewriter(MAP).rewrite(1, in);
            byte[] want = ethernet(B_MAC, A2_MAC, 0x88B5, tether(A2_TETHER, B_TETHER, order, true));
            assertArrayEquals(want, out, order.toString());
        }
    }

    @Test
    void aBadTetherCrcIsLeftBad() {
        byte[] in = ethernet(B_MAC, B_MAC, 0x88B5, tether(B_TETHER, A_TETHER, ByteOrder.LITTLE_ENDIAN, false));
        FrameRewriter r = new FrameRewriter(MAP);
        byte[] out = r.rewrite(3, in);
        byte[] want = ethernet(B_MAC, B_MAC, 0x88B5, tether(B_TETHER, A2_TETHER, ByteOrder.LITTLE_ENDIAN, false));
        System.arraycopy(in, 14 + 48, want, 14 + 48, 8); // the carried (bad) checksum, as it was
        assertArrayEquals(want, out);
        assertNotEquals(Crc64GoIso.tetherChecksum(MemorySegment.ofArray(out), 14, 128),
                ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).getLong(14 + 48), "still bad");
        assertEquals(List.of("frame 3: Tether CRC-64 was already bad in the capture: left bad"), r.problems());
    }

    @Test
    void aCellIdInsideThePayloadIsReportedAndKept() {
        byte[] payload = new byte[64];
        System.arraycopy(A_CELL, 0, payload, 29, 16);
        byte[] in = ethernet(B_MAC, B_MAC, 0x88B5, utcp(B_CELL, B_CELL, payload));
        FrameRewriter r = new FrameRewriter(MAP);
        byte[] out = r.rewrite(6, in);
        assertArrayEquals(in, out, "nothing in the header to rewrite, and the payload is kept");
        assertEquals(1, r.problemCount());
        assertTrue(r.problems().getFirst().startsWith("frame 6: CellID a74aaa1fe85b0f9170c12ec1e28325b7 also sits in the UTCP payload at byte 29"));
    }

    @Test
    void vlanTaggedAndForeignFrames() {
        byte[] tagged = ethernet(B_MAC, A_MAC, 0x8100, concat(new byte[]{0x00, 0x07, (byte) 0x88, (byte) 0xB5}, utcp(A_CELL, B_CELL, new byte[4])));
        byte[] out = new FrameRewriter(MAP).rewrite(1, tagged);
        assertArrayEquals(A2_CELL, Arrays.copyOfRange(out, 18, 34));
        byte[] arp = ethernet(B_MAC, B_MAC, 0x0806, new byte[28]);
        assertArrayEquals(arp, new FrameRewriter(MAP).rewrite(1, arp));
        byte[] runt = {1, 2, 3};
        assertArrayEquals(runt, new FrameRewriter(MAP).rewrite(1, runt));
    }

    /** An IPv4 packet by hand: a 20-byte header (its checksum by this test's sum), then the payload. */
    static byte[] ipv4Packet(int protocol, int src, int dst, int flagsFragment, byte[] payload) {
        byte[] a = ByteBuffer.allocate(20 + payload.length).put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length))
                .putShort((short) 77).putShort((short) flagsFragment).put((byte) 64).put((byte) protocol).putShort((short) 0)
                .putInt(src).putInt(dst).put(payload).array();
        int c = ~sum(a, 0, 20, 0) & 0xFFFF;
        a[10] = (byte) (c >>> 8);
        a[11] = (byte) c;
        return a;
    }

    /** The ones'-complement sum of a transport segment with its IPv4 pseudo-header (0xFFFF when its checksum is right). */
    static int withPseudoHeader(int src, int dst, int protocol, byte[] segment) {
        byte[] ph = ByteBuffer.allocate(12).putInt(src).putInt(dst).put((byte) 0).put((byte) protocol).putShort((short) segment.length).array();
        return sum(segment, 0, segment.length, sum(ph, 0, 12, 0));
    }

    static byte[] withChecksum(int src, int dst, int protocol, byte[] segment, int at) {
        int c = ~withPseudoHeader(src, dst, protocol, segment) & 0xFFFF;
        segment[at] = (byte) (c >>> 8);
        segment[at + 1] = (byte) c;
        return segment;
    }

    static byte[] tcpSegment() {
        byte[] t = new byte[20 + 11];
        ByteBuffer.wrap(t).putShort((short) 40001).putShort((short) 80).putInt(1000).putInt(0).put((byte) 0x50).put((byte) 0x18)
                .putShort((short) 512).putShort((short) 0).putShort((short) 0).put("hello world".getBytes());
        return withChecksum(A_IP, B_IP, 6, t, 16);
    }

    /** User review: an `ip` line left IPv4 TCP segments with checksums over the old addresses. */
    @Test
    void tcpOverIpv4KeepsItsChecksumGoodOrBad() {
        byte[] in = ethernet(B_MAC, A_MAC, 0x0800, ipv4Packet(6, A_IP, B_IP, 0, tcpSegment()));
        FrameRewriter r = new FrameRewriter(MAP);
        byte[] out = r.rewrite(1, in);
        assertTrue(ipv4Good(out));
        assertEquals(A2_IP, ByteBuffer.wrap(out).getInt(26));
        assertEquals(0xFFFF, withPseudoHeader(A2_IP, B_IP, 6, Arrays.copyOfRange(out, 34, out.length)), "TCP checksum over the new addresses");
        assertEquals(List.of(), r.problems());

        byte[] bad = in.clone();
        bad[34 + 16] ^= 0x10;
        byte[] badOut = new FrameRewriter(MAP).rewrite(2, bad);
        assertNotEquals(0xFFFF, withPseudoHeader(A2_IP, B_IP, 6, Arrays.copyOfRange(badOut, 34, badOut.length)), "a bad checksum stays bad");
    }

    /**
     * User review: the fragments of a UDP datagram were readdressed and the datagram's checksum (in the first
     * fragment's UDP header, over the whole datagram) left over the old addresses. Reassembled here after the
     * rewrite, it checks over the new addresses and ports.
     */
    @Test
    void aFragmentedUdpDatagramChecksAfterReassembly() {
        byte[] udp = new byte[108];
        ByteBuffer.wrap(udp).putShort((short) 34997).putShort((short) 5000).putShort((short) 108);
        for (int i = 8; i < udp.length; i++) udp[i] = (byte) (i * 7);
        withChecksum(A_IP, B_IP, 17, udp, 6);
        byte[] f1 = ethernet(B_MAC, A_MAC, 0x0800, ipv4Packet(17, A_IP, B_IP, 0x2000, Arrays.copyOfRange(udp, 0, 56)));
        byte[] f2 = ethernet(B_MAC, A_MAC, 0x0800, ipv4Packet(17, A_IP, B_IP, 56 / 8, Arrays.copyOfRange(udp, 56, 108)));
        FrameRewriter r = new FrameRewriter(MAP);
        byte[] o1 = r.rewrite(1, f1), o2 = r.rewrite(2, f2);
        assertTrue(ipv4Good(o1) && ipv4Good(o2));
        assertEquals(A2_IP, ByteBuffer.wrap(o1).getInt(26));
        assertEquals(A2_IP, ByteBuffer.wrap(o2).getInt(26));
        byte[] datagram = concat(Arrays.copyOfRange(o1, 34, o1.length), Arrays.copyOfRange(o2, 34, o2.length));
        assertEquals(40000, ByteBuffer.wrap(datagram).getShort(0) & 0xFFFF, "the mapped port");
        assertEquals(0xFFFF, withPseudoHeader(A2_IP, B_IP, 17, datagram), "the reassembled datagram's checksum");
        assertArrayEquals(Arrays.copyOfRange(udp, 8, 108), Arrays.copyOfRange(datagram, 8, 108), "payload untouched");
        assertEquals(List.of("frame 1: IPv4 fragment: the UTCP or Tether bytes it may carry are not rewritten (fragments are not reassembled)",
                "frame 2: IPv4 fragment: the UTCP or Tether bytes it may carry are not rewritten (fragments are not reassembled)"), r.problems());
    }

    @Test
    void dccpOverIpv4IsReportedNotRewritten() {
        byte[] in = ethernet(B_MAC, B_MAC, 0x0800, ipv4Packet(33, A_IP, B_IP, 0, new byte[24]));
        FrameRewriter r = new FrameRewriter(MAP);
        assertArrayEquals(in, r.rewrite(4, in));
        assertEquals(List.of("frame 4: IPv4 protocol 33: its checksum covers the addresses and is not recomputed here, so the addresses were not rewritten"), r.problems());
    }

    /**
     * User review: mapping a value onto one the capture already uses merged two conversations silently. Reported
     * once per value; a swap (A to B and B to A) merges nothing and is not reported.
     */
    @Test
    void aMapOntoAValueTheCaptureAlreadyUsesIsReported() {
        byte[] in = ethernet(A2_MAC, B_MAC, 0x88B5, utcp(B_CELL, A2_CELL, new byte[4]));
        FrameRewriter r = new FrameRewriter(MAP);
        r.rewrite(3, in);
        r.rewrite(4, in);
        assertEquals(List.of(
                "frame 3: MAC 02:00:00:00:aa:11 is in the capture, and 02:00:00:00:0a:11 is mapped to it: after the rewrite the two are one (their conversations merge); map it too, or choose another new value",
                "frame 3: CellID 00112233445566778899aabbccddeeff is in the capture, and a74aaa1fe85b0f9170c12ec1e28325b7 is mapped to it: after the rewrite the two are one (their conversations merge); map it too, or choose another new value"),
                r.problems());
        AddressMap swap = new AddressMap(Map.of(A_MAC, B_MAC, B_MAC, A_MAC), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
        FrameRewriter s = new FrameRewriter(swap);
        byte[] out = s.rewrite(1, ethernet(B_MAC, A_MAC, 0x88B5, utcp(A_CELL, B_CELL, new byte[4])));
        assertArrayEquals(ethernet(A_MAC, B_MAC, 0x88B5, utcp(A_CELL, B_CELL, new byte[4])), out);
        assertEquals(List.of(), s.problems());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
