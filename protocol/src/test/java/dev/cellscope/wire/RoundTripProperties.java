package dev.cellscope.wire;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.lang.foreign.MemorySegment;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * For every codec: {@code decode(encode(x)) == x} with the whole encoding consumed, and
 * {@code encode(decode(bytes)) == bytes} for valid bytes. Valid bytes are made by encoding an
 * arbitrary record (so Tether control padding and SBI pad bytes are zero, which decoding does
 * not keep); the codecs that keep every byte also get raw random bytes, patched only where the
 * format demands a constant (magic, version nibble).
 */
class RoundTripProperties {

    /** decode(encode(x)) == x; encode(decode(encode(x))) == encode(x); and the same at an offset in a larger segment. */
    static <T> void roundTrip(T value, Function<T, byte[]> encode, Function<byte[], Decoded<T>> decode,
                              Decoder<T> decodeAt) {
        byte[] bytes = encode.apply(value);
        Decoded<T> decoded = decode.apply(bytes);
        assertEquals(Decoded.ok(value, bytes.length), decoded);
        assertArrayEquals(bytes, encode.apply(decoded.orElseThrow()));

        byte[] padded = new byte[bytes.length + 11];
        java.util.Arrays.fill(padded, (byte) 0x5A);
        System.arraycopy(bytes, 0, padded, 7, bytes.length);
        assertEquals(decoded, decodeAt.decode(MemorySegment.ofArray(padded), 7, bytes.length));
    }

    @FunctionalInterface
    interface Decoder<T> {
        Decoded<T> decode(MemorySegment seg, long offset, long available);
    }

    @Property
    void ethernet(@ForAll("ethernets") EthernetHeader x) {
        roundTrip(x, EthernetHeader::encode, EthernetHeader::decode, EthernetHeader::decode);
    }

    @Property
    void ipv4(@ForAll("ipv4s") Ipv4Header x) {
        roundTrip(x, Ipv4Header::encode, Ipv4Header::decode, Ipv4Header::decode);
    }

    @Property
    void ipv6(@ForAll("ipv6s") Ipv6Header x) {
        roundTrip(x, Ipv6Header::encode, Ipv6Header::decode, Ipv6Header::decode);
    }

    @Property
    void udp(@ForAll("udps") UdpHeader x) {
        roundTrip(x, UdpHeader::encode, UdpHeader::decode, UdpHeader::decode);
    }

    @Property
    void utcpHeader(@ForAll("utcpHeaders") UtcpHeader x) {
        roundTrip(x, UtcpHeader::encode, UtcpHeader::decode, UtcpHeader::decode);
    }

    @Property
    void utcpPacket(@ForAll("utcpPackets") UtcpPacket x) {
        roundTrip(x, UtcpPacket::encode, UtcpPacket::decode, UtcpPacket::decode);
    }

    @Property
    void utcpNack(@ForAll("utcpNacks") UtcpNack x) {
        roundTrip(x, UtcpNack::encode, UtcpNack::decode, UtcpNack::decode);
    }

    @Property
    void tetherHeader(@ForAll("tetherHeaders") TetherHeader x) {
        roundTrip(x, TetherHeader::encode, TetherHeader::decode, TetherHeader::decode);
    }

    @Property
    void tetherFrame(@ForAll("tetherFrames") TetherFrame x) {
        roundTrip(x, TetherFrame::encode, TetherFrame::decode, TetherFrame::decode);
    }

    @Property
    void tetherControl(@ForAll("tetherControls") TetherControl x) {
        roundTrip(x, TetherControl::encode, TetherControl::decode, TetherControl::decode);
    }

    @Property
    void tetherControlInsideItsFrame(@ForAll("tetherControls") TetherControl control) {
        TetherHeader header = new TetherHeader(0, 0, 0, 0xAC1D_0000_0001L, 0xAC1D_0000_0002L, 0, 0, 4096, 0, 0, 0);
        byte[] bytes = TetherFrame.control(header, control).encode();
        TetherFrame frame = TetherFrame.decode(bytes).orElseThrow();
        assertEquals(Decoded.ok(control, bytes.length - TetherHeader.SIZE), frame.control());
    }

    @Property
    void sbiEnvelope(@ForAll("sbiEnvelopes") SbiEnvelope x) {
        roundTrip(x, SbiEnvelope::encode, SbiEnvelope::decode, SbiEnvelope::decode);
    }

    @Property
    void sbiPreamble(@ForAll("sbiPreambles") SbiPreamble x) {
        roundTrip(x, SbiPreamble::encode, SbiPreamble::decode, SbiPreamble::decode);
    }

    @Property
    void sbiContainer(@ForAll("sbiContainers") SbiContainer x) {
        roundTrip(x, SbiContainer::encode, bytes -> SbiContainer.decode(x.op(), MemorySegment.ofArray(bytes), 0,
                bytes.length), (seg, off, len) -> SbiContainer.decode(x.op(), seg, off, len));
    }

    @Property
    void sbiContainerOwnDecoders(@ForAll("sbiContainers") SbiContainer x) {
        byte[] bytes = x.encode();
        Decoded<? extends SbiContainer> own = switch (x) {
            case SbiHandshake _ -> SbiHandshake.decode(bytes);
            case SbiBlockWant _ -> SbiBlockWant.decode(bytes);
            case SbiBlockPut _ -> SbiBlockPut.decode(bytes);
            case SbiDagSync _ -> SbiDagSync.decode(bytes);
            case SbiAck _ -> SbiAck.decode(bytes);
            case SbiNack _ -> SbiNack.decode(bytes);
            case SbiUnknown u -> SbiContainer.decode(u.op(), MemorySegment.ofArray(bytes), 0, bytes.length);
        };
        assertEquals(Decoded.ok(x, bytes.length), own);
    }

    @Property
    void sbiMessage(@ForAll("sbiMessages") SbiMessage x) {
        roundTrip(x, SbiMessage::encode, SbiMessage::decode, SbiMessage::decode);
    }

    @Property
    void sbiMessagesBackToBackInOneStream(@ForAll("sbiMessages") SbiMessage a, @ForAll("sbiMessages") SbiMessage b) {
        byte[] ea = a.encode(), eb = b.encode();
        byte[] stream = new byte[ea.length + eb.length];
        System.arraycopy(ea, 0, stream, 0, ea.length);
        System.arraycopy(eb, 0, stream, ea.length, eb.length);
        MemorySegment seg = MemorySegment.ofArray(stream);
        assertEquals(Decoded.ok(a, ea.length), SbiMessage.decode(seg, 0, stream.length));
        assertEquals(Decoded.ok(b, eb.length), SbiMessage.decode(seg, ea.length, stream.length - ea.length));
    }

    // --- raw bytes for the codecs that keep every byte they consume

    static void keepsEveryByte(byte[] bytes, Function<byte[], Decoded<?>> decode, Function<Object, byte[]> encode) {
        Decoded<?> d = decode.apply(bytes);
        var ok = assertInstanceOf(Decoded.Ok.class, d);
        assertArrayEquals(java.util.Arrays.copyOf(bytes, ok.length()), encode.apply(ok.value()));
    }

    @Property
    void rawUtcpHeaderBytes(@ForAll("raw40") byte[] b) {
        keepsEveryByte(b, UtcpHeader::decode, v -> ((UtcpHeader) v).encode());
    }

    @Property
    void rawTetherHeaderBytes(@ForAll("raw64") byte[] b, @ForAll boolean bigEndian) {
        byte[] magic = bigEndian ? new byte[] {0x4F, 0x42, 0x4F, 0x4C} : new byte[] {0x4C, 0x4F, 0x42, 0x4F};
        System.arraycopy(magic, 0, b, 0, 4);
        keepsEveryByte(b, TetherHeader::decode, v -> ((TetherHeader) v).encode());
    }

    @Property
    void rawIpv6Bytes(@ForAll("raw40") byte[] b) {
        b[0] = (byte) (0x60 | b[0] & 0x0F);
        keepsEveryByte(b, Ipv6Header::decode, v -> ((Ipv6Header) v).encode());
    }

    @Property
    void rawSbiPreambleBytes(@ForAll("raw40") byte[] b) {
        b[0] = 'S';
        b[1] = 'B';
        keepsEveryByte(b, SbiPreamble::decode, v -> ((SbiPreamble) v).encode());
    }

    @Property
    void rawBlockWantBytes(@ForAll("raw33") byte[] b) {
        keepsEveryByte(b, SbiBlockWant::decode, v -> ((SbiBlockWant) v).encode());
    }

    @Provide Arbitrary<byte[]> raw33() { return WireArbitraries.bytes(33).map(Bytes::toArray); }
    @Provide Arbitrary<byte[]> raw40() { return WireArbitraries.bytes(40).map(Bytes::toArray); }
    @Provide Arbitrary<byte[]> raw64() { return WireArbitraries.bytes(64).map(Bytes::toArray); }

    @Provide Arbitrary<EthernetHeader> ethernets() { return WireArbitraries.ethernet(); }
    @Provide Arbitrary<Ipv4Header> ipv4s() { return WireArbitraries.ipv4(); }
    @Provide Arbitrary<Ipv6Header> ipv6s() { return WireArbitraries.ipv6(); }
    @Provide Arbitrary<UdpHeader> udps() { return WireArbitraries.udp(); }
    @Provide Arbitrary<UtcpHeader> utcpHeaders() { return WireArbitraries.utcpHeader(); }
    @Provide Arbitrary<UtcpPacket> utcpPackets() { return WireArbitraries.utcpPacket(); }
    @Provide Arbitrary<UtcpNack> utcpNacks() { return WireArbitraries.utcpNack(); }
    @Provide Arbitrary<TetherHeader> tetherHeaders() { return WireArbitraries.tetherHeader(); }
    @Provide Arbitrary<TetherFrame> tetherFrames() { return WireArbitraries.tetherFrame(); }
    @Provide Arbitrary<TetherControl> tetherControls() { return WireArbitraries.tetherControl(); }
    @Provide Arbitrary<SbiEnvelope> sbiEnvelopes() { return WireArbitraries.sbiEnvelope(); }
    @Provide Arbitrary<SbiPreamble> sbiPreambles() { return WireArbitraries.sbiPreamble(); }
    @Provide Arbitrary<SbiContainer> sbiContainers() { return WireArbitraries.sbiContainer(); }
    @Provide Arbitrary<SbiMessage> sbiMessages() { return WireArbitraries.sbiMessage(); }
}
