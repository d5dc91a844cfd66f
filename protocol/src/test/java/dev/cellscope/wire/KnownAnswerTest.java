package dev.cellscope.wire;

import dev.cellscope.field.UtcpFields;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Byte vectors written by hand from the PROTOCOLS.md tables, not produced by the code: the
 * independent check that the declared layouts match the spec.
 */
class KnownAnswerTest {

    private static byte[] hex(String s) {
        return Bytes.fromHex(s).toArray();
    }

    private static <T> void assertBoth(T value, String expectedHex, byte[] encoded, Decoded<T> decoded) {
        assertEquals(Bytes.fromHex(expectedHex), Bytes.of(encoded));
        assertEquals(Decoded.ok(value, encoded.length), decoded);
    }

    @Test
    void ethernetWithTwoVlanTags() {
        var eth = new EthernetHeader(0x010203040506L, 0x0a0b0c0d0e0fL,
                List.of(new VlanTag(0x88A8, 3, 0, 100), new VlanTag(0x8100, 0, 1, 4095)), 0x88B5);
        String expected = "010203040506 0a0b0c0d0e0f 88a8 6064 8100 1fff 88b5";
        assertBoth(eth, expected, eth.encode(), EthernetHeader.decode(hex(expected)));
    }

    @Test
    void ethernetWithThreeTagsIsInvalid() {
        byte[] frame = hex("010203040506 0a0b0c0d0e0f 8100 0001 8100 0002 8100 0003 88b5");
        var bad = assertInstanceOf(Decoded.Invalid.class, EthernetHeader.decode(frame));
        assertEquals("more than two VLAN tags", bad.cause());
        assertEquals(20, bad.offset());
    }

    @Test
    void ipv4HeaderChecksumOfTheTextbookExample() {
        String expected = "4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7";
        Ipv4Header ip = Ipv4Header.decode(hex(expected)).orElseThrow();
        assertTrue(ip.checksumValid());
        assertEquals(0xb861, new Ipv4Header(0, 0x73, 0, 0x4000, 0x40, 17, 0, 0xc0a80001, 0xc0a800c7, Bytes.EMPTY)
                .withComputedChecksum().checksum());
        assertArrayEquals(hex(expected), ip.encode());
    }

    @Test
    void ipv4RejectsShortIhlAndShortTotalLength() {
        assertInstanceOf(Decoded.Invalid.class, Ipv4Header.decode(hex("4400 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7")));
        var bad = assertInstanceOf(Decoded.Invalid.class,
                Ipv4Header.decode(hex("4500 0010 0000 4000 4011 b861 c0a8 0001 c0a8 00c7")));
        assertEquals(2, bad.offset());
        // IHL 6 with the option word present consumes 24 bytes
        var ok = assertInstanceOf(Decoded.Ok.class,
                Ipv4Header.decode(hex("4600 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7 01010101")));
        assertEquals(24, ok.length());
    }

    @Test
    void utcpHeaderDataSeq17Len1400() {
        var header = new UtcpHeader(Bytes.fromHex("00112233445566778899aabbccddeeff"),
                Bytes.fromHex("ffeeddccbbaa99887766554433221100"), 17, (int) UtcpFields.DATA, 1400);
        String expected = "00112233445566778899aabbccddeeff ffeeddccbbaa99887766554433221100 00000011 0010 0578";
        assertBoth(header, expected, header.encode(), UtcpHeader.decode(hex(expected)));
        assertTrue(header.has(UtcpFields.DATA));
    }

    @Test
    void utcpPayloadLengthBeyondTheBytesPresent() {
        byte[] packet = new byte[40 + 20];
        System.arraycopy(hex("00112233445566778899aabbccddeeff ffeeddccbbaa99887766554433221100 00000011 0010 0578"),
                0, packet, 0, 40);
        var bad = assertInstanceOf(Decoded.Invalid.class, UtcpPacket.decode(packet));
        assertEquals("payload_len 1400 exceeds the 20 bytes present", bad.cause());
        assertEquals(38, bad.offset());
    }

    @Test
    void utcpPacketIgnoresEthernetPadding() {
        byte[] packet = hex("00000000000000000000000000000001 00000000000000000000000000000002 00000005 0010 0003 616263 0000");
        var ok = assertInstanceOf(Decoded.Ok.class, UtcpPacket.decode(packet));
        assertEquals(43, ok.length());
        assertEquals(Bytes.fromHex("616263"), ((UtcpPacket) ok.value()).payload());
    }

    @Test
    void utcpNackRanges() {
        String expected = "00000064 00000003 000000c8 00000001";
        var nack = new UtcpNack(List.of(new NackRange(100, 3), new NackRange(200, 1)));
        assertBoth(nack, expected, nack.encode(), UtcpNack.decode(hex(expected)));
        var bad = assertInstanceOf(Decoded.Invalid.class, UtcpNack.decode(hex("00000064 00000003 0000")));
        assertTrue(bad.cause().contains("not a multiple of 8"), bad.cause());
    }

    private static final TetherHeader HEADER = new TetherHeader(1, 0x01, 0, 0xAC1D01020304L, 0xAC1D05060708L,
            500_000_000L, 7, 4096, 0, 0x0123456789ABCDEFL, 0x4000000065000000L);

    @Test
    void tetherHeaderLittleEndian() {
        String expected = """
                4c4f424f 0100 01 00  02011dac 0403 1dac 08070605  0065cd1d
                0700000000000000  0010000000000000  0000000000000000
                efcdab8967452301  0000006500000040""";
        assertBoth(HEADER, expected, HEADER.encode(), TetherHeader.decode(hex(expected)));
        assertEquals(0x00, hex(expected)[32 + 0]);
        assertEquals(0x10, hex(expected)[32 + 1]);
    }

    @Test
    void tetherHeaderBigEndianIsDecodedAndKeepsItsOrder() {
        String expected = """
                4f424f4c 0001 01 00  ac1d0102 0304 ac1d 05060708  1dcd6500
                0000000000000007  0000000000001000  0000000000000000
                0123456789abcdef  4000000065000000""";
        TetherHeader be = new TetherHeader(1, 0x01, 0, 0xAC1D01020304L, 0xAC1D05060708L, 500_000_000L, 7, 4096, 0,
                0x0123456789ABCDEFL, 0x4000000065000000L, ByteOrder.BIG_ENDIAN);
        assertBoth(be, expected, be.encode(), TetherHeader.decode(hex(expected)));
        assertEquals(ByteOrder.BIG_ENDIAN, TetherHeader.magicOrder(MemorySegment.ofArray(hex(expected)), 0, 64).orElseThrow());
    }

    @Test
    void tetherBadMagicAndBadLength() {
        byte[] utcp = new byte[64];
        assertTrue(TetherHeader.magicOrder(MemorySegment.ofArray(utcp), 0, 64).isEmpty());
        assertInstanceOf(Decoded.Invalid.class, TetherHeader.decode(utcp));
        byte[] frame = new byte[100];
        System.arraycopy(HEADER.encode(), 0, frame, 0, 64);
        var bad = assertInstanceOf(Decoded.Invalid.class, TetherFrame.decode(frame));
        assertEquals("Tether frame length 100 is not a multiple of 64", bad.cause());
    }

    private static final String PAD24 = "000000000000000000000000000000000000000000000000";

    @Test
    void hailBody() {
        var hail = new TetherControl.Hail(1, 15);
        String expected = "01000000 00000000 01000000 0f000000" + PAD24 + PAD24;
        assertBoth(hail, expected, hail.encode(), TetherControl.decode(hex(expected)));
    }

    @Test
    void defineBody() {
        var define = new TetherControl.Define(3, 4096, 1_000_000);
        String expected = "02000000 00000000 0300 0000 00100000 40420f0000000000" + PAD24 + "00000000000000000000000000000000";
        assertBoth(define, expected, define.encode(), TetherControl.decode(hex(expected)));
    }

    @Test
    void manifestBodyWithTheDecidedPaddingBeforeTotalSlots() {
        var manifest = new TetherControl.Manifest(2, 0x1122334455667788L, 10, 12);
        // tag, reserved | flow, reserved, checksum_lo, checksum_hi, 4 bytes alignment pad | total_slots, total_frames
        String expected = "03000000 00000000 0200 0000 88776655 44332211 00000000 0a00000000000000 0c00000000000000"
                + PAD24;
        assertBoth(manifest, expected, manifest.encode(), TetherControl.decode(hex(expected)));
    }

    @Test
    void bulkNackSpanningTwoBlocks() {
        long[] slots = new long[8];  // 16 + 64 bytes: the second block is begun
        for (int i = 0; i < slots.length; i++) slots[i] = i + 1;
        var nack = new TetherControl.BulkNack(1, slots);
        StringBuilder expected = new StringBuilder("04000000 00000000 0100 0000 08000000");
        for (long s : slots) expected.append(String.format(" %02x00000000000000", s));
        expected.append(PAD24).append(PAD24);
        assertEquals(128, nack.encodedSize());
        assertBoth(nack, expected.toString(), nack.encode(), TetherControl.decode(hex(expected.toString())));
    }

    @Test
    void unknownTagIsKeptRaw() {
        byte[] payload = new byte[64];
        payload[0] = 9;
        payload[8] = (byte) 0xEE;
        var ok = assertInstanceOf(Decoded.Ok.class, TetherControl.decode(payload));
        var unknown = assertInstanceOf(TetherControl.UnknownControl.class, ok.value());
        assertEquals(9, unknown.tag());
        assertEquals(56, unknown.raw().length());
        assertArrayEquals(payload, unknown.encode());
    }

    private static final String SCHEMA = "000102030405060708090a0b0c0d0e0f";

    @Test
    void sbiAckMessage() {
        var msg = SbiMessage.of(new SbiAck(7, 0), Bytes.fromHex(SCHEMA));
        // frame_len 32 BE, op F0 | "SB", version 1, flags 0, container_len 8 LE, schema | ref_seq 7 LE, status 0, pad
        String expected = "00000020 f0  5342 01 00 08000000 " + SCHEMA + "  07000000 00 000000";
        assertBoth(msg, expected, msg.encode(), SbiMessage.decode(hex(expected)));
    }

    @Test
    void sbiHandshakeMessage() {
        String peer = "aa".repeat(32);
        var msg = SbiMessage.of(new SbiHandshake(Bytes.fromHex(peer), 3, 1, 4, 65536, 1, 3), Bytes.fromHex(SCHEMA));
        String expected = "0000004c 01  5342 01 00 34000000 " + SCHEMA
                + peer + " 03000000 01000000 04000000 00000100 0100 03 00";
        assertBoth(msg, expected, msg.encode(), SbiMessage.decode(hex(expected)));
    }

    @Test
    void sbiNackMessage() {
        var msg = SbiMessage.of(new SbiNack(2, 2, "missing_required_features"), Bytes.fromHex(SCHEMA));
        String expected = "00000039 f1  5342 01 00 21000000 " + SCHEMA + " 02000000 0200 1900 "
                + Bytes.of("missing_required_features".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).hex();
        assertBoth(msg, expected, msg.encode(), SbiMessage.decode(hex(expected)));
    }

    @Test
    void sbiWantPutDag() {
        String h = "11".repeat(32), g = "22".repeat(32);
        var want = new SbiBlockWant(Bytes.fromHex(h), 2);
        assertBoth(want, h + "02", want.encode(), SbiBlockWant.decode(hex(h + "02")));
        var put = new SbiBlockPut(Bytes.fromHex(h), 5, 2, 3, Bytes.fromHex("cafe"));
        assertBoth(put, h + "05000000 02 03 0000 cafe", put.encode(), SbiBlockPut.decode(hex(h + "05000000 02 03 0000 cafe")));
        var dag = new SbiDagSync(Bytes.fromHex(h), 1, List.of(Bytes.fromHex(g)));
        assertBoth(dag, h + "0100 0100" + g, dag.encode(), SbiDagSync.decode(hex(h + "0100 0100" + g)));
    }
}
